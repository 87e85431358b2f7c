"""Pair a closure from f/nix/build with an external kernel: the QEMU command that boots it."""

import shlex


def main(
    vm_name: str,
    kernel: str,
    modules_dir: str,
    toplevel: str,
    init: str,
    initrd: str,
    kernel_params: list[str],
    config_dir: str,
    memory_mib: int = 4096,
    shares: dict | None = None,
) -> dict:
    """Return the argv (and a shell line) that boots ``toplevel`` with ``kernel``.

    The guest mounts /nix/store and /lib/modules over virtiofs (tags ``store`` and
    ``modules``), plus one tag per share. Each tag needs a virtiofsd serving it on
    the socket ``/run/<vm_name>/<tag>.sock``.
    """
    tags = ["store", "modules"]
    for share in (shares or {}).values():
        tag = share if isinstance(share, str) else share["tag"]
        if tag not in tags:
            tags.append(tag)
    # The guest needs init= and a root= on the command line (docs/design/guest.rst, "The
    # kernel command line"); kernel_params carry NixOS's root=fstab and may
    # be empty.
    params = list(kernel_params)
    if not any(param.startswith("root=") for param in params):
        params.insert(0, "root=fstab")
    append = " ".join([f"init={init}", *params])
    argv = [
        "qemu-system-x86_64",
        "-enable-kvm",
        "-m",
        str(memory_mib),
        "-object",
        f"memory-backend-memfd,id=mem,size={memory_mib}M,share=on",
        "-numa",
        "node,memdev=mem",
        "-kernel",
        kernel,
        "-initrd",
        initrd,
        "-append",
        append,
        "-nographic",
    ]
    for tag in tags:
        argv += [
            "-chardev",
            f"socket,id={tag},path=/run/{vm_name}/{tag}.sock",
            "-device",
            f"vhost-user-fs-pci,chardev={tag},tag={tag}",
        ]
    print(shlex.join(argv))
    return {
        "vm_name": vm_name,
        "toplevel": toplevel,
        "config_dir": config_dir,
        "kernel": kernel,
        # What each virtiofsd serves: the host store, the kernel's modules, the shares.
        "virtiofs": {"store": "/nix/store", "modules": modules_dir},
        "share_tags": tags[2:],
        "argv": argv,
        "command": shlex.join(argv),
    }
