import pytest

from f.nix.common.errors import FlowInputError
from f.nix.common.vm_config import Share, Storage, parse_vm_config
from tests.support import public_key


def test_defaults_are_the_featured_system():
    config = parse_vm_config()
    assert config.vm_name == "nixos"
    assert config.user_name == "kdevops"
    assert config.profiles == ("build-tools", "devel", "monitoring")
    assert config.test_suites == (
        "blktests",
        "fstests",
        "gitr",
        "kunit",
        "ltp",
        "mmtests",
        "pynfs",
        "selftests",
        "sysbench",
        "usertests",
    )


def test_none_means_featured_and_empty_means_none():
    assert parse_vm_config(profiles=None).profiles == parse_vm_config().profiles
    empty = parse_vm_config(profiles=[], test_suites=[])
    assert empty.profiles == () and empty.test_suites == ()


def test_selection_is_ordered_and_deduplicated():
    config = parse_vm_config(
        profiles=["monitoring", "devel", "devel"], test_suites=["ltp", "fstests"]
    )
    assert config.profiles == ("devel", "monitoring")
    assert config.test_suites == ("fstests", "ltp")


def test_gated_profiles_get_their_enable_option():
    config = parse_vm_config(profiles=["controller", "devel", "monitoring"])
    assert config.gated_options == [
        ("nixos-flake", "controller", "enable"),
        ("nixos-flake", "monitoring", "enable"),
    ]


def test_share_shorthand_and_full_form():
    config = parse_vm_config(
        shares={"/mnt/src": "src", "/mnt/out": {"tag": "out", "options": ["ro", "noatime"]}}
    )
    assert config.shares == {
        "/mnt/src": Share(tag="src"),
        "/mnt/out": Share(tag="out", options=["ro", "noatime"]),
    }


def test_storage_defaults_and_full_form():
    config = parse_vm_config(
        storage={
            "/mnt/scratch": {"device": "/dev/vdb", "fs_type": "xfs"},
            "/mnt/test": {
                "device": "/dev/disk/by-id/virtio-test_1",
                "fs_type": "ext4",
                "options": ["noatime"],
                "mkfs_args": ["-O", "^has_journal", "-E", "lazy_itable_init=0,nodiscard"],
                "nofail": False,
            },
        }
    )
    assert config.storage == {
        "/mnt/scratch": Storage(device="/dev/vdb", fs_type="xfs"),
        "/mnt/test": Storage(
            device="/dev/disk/by-id/virtio-test_1",
            fs_type="ext4",
            options=["noatime"],
            mkfs_args=["-O", "^has_journal", "-E", "lazy_itable_init=0,nodiscard"],
            nofail=False,
        ),
    }
    scratch = config.storage["/mnt/scratch"]
    assert (scratch.options, scratch.mkfs_args, scratch.auto_format, scratch.nofail) == (
        [],
        [],
        False,
        True,
    )
    assert parse_vm_config().storage == {}


@pytest.mark.parametrize("fs_type", ["btrfs", "ext2", "ext3", "ext4", "f2fs", "vfat", "xfs"])
def test_file_systems_the_kernel_brings_are_taken(fs_type):
    assert parse_vm_config(storage=_disk(fs_type=fs_type)).storage["/mnt/d"].fs_type == fs_type


@pytest.mark.parametrize("fs_type", ["zfs", "bcachefs", "ntfs", "XFS", ""])
def test_other_file_systems_are_refused_naming_the_allowed_ones(fs_type):
    with pytest.raises(FlowInputError) as caught:
        parse_vm_config(storage=_disk(fs_type=fs_type))
    message = str(caught.value)
    assert (
        "guest.storage['/mnt/d'].fs_type: Input should be" in message and repr(fs_type) in message
    )
    assert "'btrfs', 'ext2', 'ext3', 'ext4', 'f2fs', 'vfat' or 'xfs'" in message


def _disk(**fields):
    return {"/mnt/d": {"device": "/dev/vdb", "fs_type": "xfs", **fields}}


@pytest.mark.parametrize(
    ("storage", "field", "value", "allowed"),
    [
        (_disk(device="vdb"), "storage['/mnt/d'].device", "'vdb'", "under /dev/"),
        (_disk(device="/dev/"), "storage['/mnt/d'].device", "'/dev/'", "under /dev/"),
        (
            _disk(device="/dev/../etc/x"),
            "storage['/mnt/d'].device",
            "'/dev/../etc/x'",
            "normalised",
        ),
        (_disk(device="/dev/vdb/"), "storage['/mnt/d'].device", "'/dev/vdb/'", "normalised"),
        (_disk(device="/dev/vd b"), "storage['/mnt/d'].device", "'/dev/vd b'", "letters, digits"),
        (_disk(device="/dev/$(id)"), "storage['/mnt/d'].device", "'/dev/$(id)'", "letters"),
        (_disk(device="UUID=1234"), "storage['/mnt/d'].device", "'UUID=1234'", "under /dev/"),
        (_disk(fs_type="zfs"), "storage['/mnt/d'].fs_type", "'zfs'", "'xfs'"),
        (_disk(fs_type="virtiofs"), "storage['/mnt/d'].fs_type", "'virtiofs'", "'btrfs'"),
        (_disk(mkfs_args=["-b size=4k"]), "mkfs_args[0]", "'-b size=4k'", "one argument per"),
        (_disk(mkfs_args=["-L", "a;reboot"]), "mkfs_args[1]", "'a;reboot'", "no blanks or shell"),
        (_disk(mkfs_args=["${x}"]), "mkfs_args[0]", "'${x}'", "no blanks or shell"),
        (_disk(mkfs_args=["%n"]), "mkfs_args[0]", "'%n'", "no blanks or shell"),
        (_disk(options=["noatime,exec"]), "options[0]", "'noatime,exec'", "no commas"),
        (
            _disk(mkfs_args=["-f"], auto_format=True),
            "storage['/mnt/d']",
            "['-f']",
            "mutually exclusive",
        ),
        (_disk(auto_format="yes"), "storage['/mnt/d'].auto_format", "'yes'", "boolean"),
        (_disk(fstype="xfs"), "storage['/mnt/d'].fstype", "'xfs'", "Extra inputs"),
        ({"/mnt/d": {"device": "/dev/vdb"}}, "storage['/mnt/d'].fs_type", "", "required"),
        (
            {"/nix/store": {"device": "/dev/vdb", "fs_type": "xfs"}},
            "storage['/nix/store'] (the key)",
            "'/nix/store'",
            "mounts /, /nix, /nix/store, /lib/modules itself",
        ),
        (
            {"/": {"device": "/dev/vdb", "fs_type": "xfs"}},
            "storage['/'] (the key)",
            "'/'",
            "itself",
        ),
        (
            {"/lib/modules/6.1": {"device": "/dev/vdb", "fs_type": "xfs"}},
            "(the key)",
            "'/lib/modules/6.1'",
            "itself",
        ),
        ({"mnt/d": {"device": "/dev/vdb", "fs_type": "xfs"}}, "(the key)", "'mnt/d'", "absolute"),
        (
            {
                "/mnt/a": {"device": "/dev/vdb", "fs_type": "xfs"},
                "/mnt/b": {"device": "/dev/vdb", "fs_type": "ext4"},
            },
            "storage['/mnt/b'].device",
            "'/dev/vdb'",
            "one mount point per device",
        ),
    ],
)
def test_bad_storage_names_field_value_and_what_is_allowed(storage, field, value, allowed):
    with pytest.raises(FlowInputError) as caught:
        parse_vm_config(storage=storage)
    message = str(caught.value)
    assert field in message and value in message and allowed in message


def test_a_mount_point_takes_a_share_or_a_disk_not_both():
    with pytest.raises(FlowInputError) as caught:
        parse_vm_config(shares={"/mnt/d": "d"}, storage=_disk())
    message = str(caught.value)
    assert "storage['/mnt/d']: shares mounts 'd' at '/mnt/d' already" in message
    assert "\n  : " not in repr(message)


@pytest.mark.parametrize(
    "key_type",
    ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "sk-ssh-ed25519@openssh.com"],
)
def test_ssh_keys_of_known_types_are_accepted_and_normalised(key_type):
    key = public_key(key_type)
    config = parse_vm_config(ssh_keys=["  " + key.replace(" ", "   ", 1) + "\t", key])
    assert config.ssh_keys == (key,)


def test_ssh_key_comments_may_hold_any_printable_text():
    key = public_key(comment="Ünïcødé ✓ \U00018cd6 me@host")
    assert parse_vm_config(ssh_keys=[key]).ssh_keys == (key,)
    with pytest.raises(FlowInputError, match="control characters"):
        parse_vm_config(ssh_keys=[public_key(comment="bell\x07")])


def test_ssh_key_without_comment():
    key = public_key(comment="")
    assert parse_vm_config(ssh_keys=[key]).ssh_keys == (key,)


def test_overrides_path_and_git():
    config = parse_vm_config(
        overrides=[
            {"pkg": "fio", "src": "/srv/fio", "attrs": {"version": "3.99"}},
            {"pkg": "libbpf-tools", "src": "https://example.org/bcc.git", "ref": "v0.31.0"},
        ]
    )
    fio, bcc = config.overrides
    assert fio.is_path and fio.input_name == "fio-src" and fio.attrs == {"version": "3.99"}
    assert not bcc.is_path and bcc.ref == "v0.31.0" and bcc.input_name == "libbpf-tools-src"


@pytest.mark.parametrize(
    ("inputs", "field", "value", "allowed"),
    [
        ({"vm_name": "Bad.Name"}, "vm_name", "'Bad.Name'", "letters, digits, '-' and '_'"),
        ({"vm_name": "../etc"}, "vm_name", "'../etc'", "letters, digits, '-' and '_'"),
        ({"vm_name": "-x"}, "vm_name", "'-x'", "starting and ending with a letter or digit"),
        ({"vm_name": "x_"}, "vm_name", "'x_'", "starting and ending with a letter or digit"),
        ({"vm_name": "dev vm"}, "vm_name", "'dev vm'", "letters, digits"),
        ({"vm_name": "a" * 64}, "vm_name", "'aaaa", "1 to 63"),
        ({"vm_name": ""}, "vm_name", "''", "1 to 63"),
        ({"user_name": "root"}, "user_name", "'root'", "reserved"),
        ({"user_name": "daemon"}, "user_name", "'daemon'", "reserved"),
        (
            {"user_name": "systemd-oom"},
            "user_name",
            "'systemd-oom'",
            "starting with nixbld or systemd-",
        ),
        ({"user_name": "Bob"}, "user_name", "'Bob'", "lowercase letters"),
        ({"user_name": 5}, "user_name", "5", "valid string"),
        ({"profiles": ["devl"]}, "profiles[0]", "'devl'", "'devel'"),
        ({"profiles": "devel"}, "profiles", "'devel'", "valid"),
        ({"test_suites": ["fstests", "xfstests"]}, "test_suites[1]", "'xfstests'", "'fstests'"),
        ({"ssh_keys": ["ssh-dss AAAAB3NzaC1kc3M="]}, "ssh_keys[0]", "'ssh-dss'", "ssh-ed25519"),
        ({"ssh_keys": ["ssh-ed25519 not!base64"]}, "ssh_keys[0]", "'not!base64'", "base64"),
        ({"ssh_keys": ["ssh-ed25519"]}, "ssh_keys[0]", "'ssh-ed25519'", "<type> <base64 key>"),
        (
            {"ssh_keys": [public_key("ssh-rsa").replace("ssh-rsa", "ssh-ed25519", 1)]},
            "ssh_keys[0]",
            "'ssh-rsa'",
            "unchanged",
        ),
        (
            {"ssh_keys": [public_key() + "\nssh-ed25519 AAAA"]},
            "ssh_keys[0]",
            "",
            "one public key per entry",
        ),
        ({"shares": {"mnt/src": "src"}}, "shares['mnt/src'] (the key)", "'mnt/src'", "absolute"),
        (
            {"shares": {"/mnt/src/": "src"}},
            "shares['/mnt/src/'] (the key)",
            "'/mnt/src/'",
            "normalised",
        ),
        (
            {"shares": {"/mnt/../etc": "x"}},
            "shares['/mnt/../etc'] (the key)",
            "'/mnt/../etc'",
            "'..'",
        ),
        (
            {"shares": {"/nix/store": "x"}},
            "shares['/nix/store'] (the key)",
            "'/nix/store'",
            "mounts",
        ),
        ({"shares": {"/lib/modules": "x"}}, "(the key)", "'/lib/modules'", "mounts"),
        ({"shares": {"/mnt/src": ""}}, "shares['/mnt/src'].tag", "''", "1 to 36"),
        ({"shares": {"/mnt/src": "a b"}}, "shares['/mnt/src'].tag", "'a b'", "1 to 36"),
        ({"shares": {"/mnt/src": "store"}}, "shares['/mnt/src'].tag", "'store'", "backend uses"),
        (
            {"shares": {"/mnt/src": {"tag": "src", "options": ["ro,exec"]}}},
            "shares['/mnt/src'].options[0]",
            "'ro,exec'",
            "no commas",
        ),
        (
            {"shares": {"/mnt/src": {"tag": "src", "options": [1]}}},
            "shares['/mnt/src'].options[0]",
            "1",
            "valid string",
        ),
        (
            {"shares": {"/mnt/src": {"tag": "src", "readonly": True}}},
            "shares['/mnt/src'].readonly",
            "True",
            "Extra inputs",
        ),
        ({"overrides": [{"pkg": "fio"}]}, "overrides[0].src", "{'pkg': 'fio'}", "required"),
        ({"overrides": [{"pkg": "a.b", "src": "/x"}]}, "overrides[0].pkg", "'a.b'", "top-level"),
        ({"overrides": [{"pkg": "if", "src": "/x"}]}, "overrides[0].pkg", "'if'", "top-level"),
        (
            {"overrides": [{"pkg": "fio", "src": "x/y"}]},
            "overrides[0].src",
            "'x/y'",
            "absolute path",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "/a/../b"}]},
            "overrides[0].src",
            "'/a/../b'",
            "normalised",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "ftp://host/x"}]},
            "overrides[0].src",
            "'ftp://host/x'",
            "https, http, ssh, git, file",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "/srv/fio", "ref": "main"}]},
            "overrides[0]",
            "'main'",
            "only allowed with a git URL",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "https://h/r.git", "ref": "a..b"}]},
            "overrides[0].ref",
            "'a..b'",
            "git branch or tag",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "/x", "attrs": {"src": "/y"}}]},
            "overrides[0].attrs",
            "'src'",
            "src, which the override sets",
        ),
        *(
            (
                {"overrides": [{"pkg": "fio", "src": "/x", "attrs": {name: "x"}}]},
                "overrides[0].attrs",
                repr(name),
                "changes what the derivation is",
            )
            for name in (
                "outputHash",
                "outputHashAlgo",
                "outputHashMode",
                "builder",
                "system",
                "args",
                "outputs",
                "name",
                "__structuredAttrs",
                "__noChroot",
                "__impure",
            )
        ),
        (
            {"shares": {"/mnt/a\n/mnt/b": "tag"}},
            "shares",
            "'/mnt/a\\n/mnt/b'",
            "control characters",
        ),
        ({"shares": {"/mnt/\x7f": "tag"}}, "shares", "'/mnt/\\x7f'", "control characters"),
        (
            {"overrides": [{"pkg": "fio", "src": "/srv/fio\n"}]},
            "overrides[0].src",
            "'/srv/fio\\n'",
            "control characters",
        ),
        ({"user_name": "dev\udc80"}, "user_name", "'dev\\udc80'", "not valid Unicode text"),
        ({"ssh_keys": ["\ud800"]}, "ssh_keys[0]", "'\\ud800'", "not valid Unicode text"),
        (
            {"shares": {"/mnt/\udcff": "t"}},
            "shares (a key)",
            "'/mnt/\\udcff'",
            "not valid Unicode text",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "/x", "attrs": {"version": "1\udc80"}}]},
            "overrides[0]['attrs']['version']",
            "'1\\udc80'",
            "not valid Unicode text",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "/x", "attrs": {"version": 3}}]},
            "overrides[0].attrs.version",
            "3",
            "valid string",
        ),
        (
            {"overrides": [{"pkg": "fio", "src": "/x"}, {"pkg": "fio", "src": "/y"}]},
            "overrides",
            "'fio'",
            "overridden twice",
        ),
        ({"extra_packages": ["strace; rm"]}, "extra_packages[0]", "'strace; rm'", "attribute path"),
        ({"extra_groups": ["Wheel"]}, "extra_groups[0]", "'Wheel'", "lowercase"),
        ({"vm_name": "ok", "colour": "red"}, "colour", "'red'", "Extra inputs"),
    ],
)
def test_bad_inputs_name_field_value_and_what_is_allowed(inputs, field, value, allowed):
    with pytest.raises(FlowInputError) as caught:
        parse_vm_config(**inputs)
    message = str(caught.value)
    assert field in message
    assert value in message
    assert allowed in message


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(FlowInputError) as caught:
        parse_vm_config(vm_name="Bad.", profiles=["nope"], user_name="root")
    message = str(caught.value)
    assert "vm_name" in message and "profiles[0]" in message and "user_name" in message
