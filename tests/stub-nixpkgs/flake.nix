# A stand-in for nixpkgs that builds offline in well under a second.
#
# lib.nixosSystem ignores what the modules say but not what they are: the
# toplevel's name carries a fingerprint of every .nix file among the modules
# (the per-VM default.nix) and of every flake input passed in specialArgs
# (source overrides), so changing either changes the closure, as with the
# real thing. The toplevel holds a bootspec like a NixOS system does.
#
# Tests provoke failures through marker words in those files (extra_packages
# puts them there): stubFailBuild makes the toplevel's builder log 30 lines
# and fail, stubSlowBuild makes it sleep 4 seconds first, stubNoBootspec
# leaves boot.json out, stubBadBootspec writes one that is not JSON, and
# stubEvalError makes evaluating the toplevel throw, as a failed NixOS
# assertion does.
#
# The builders are /bin/sh scripts that use the host's mkdir, chmod and sleep
# through PATH. Without a sandbox they are simply there; with one (Debian
# 13's default) the tests' nix.conf lends the sandbox the host's /usr, /lib,
# /lib64 and /bin/sh through extra-sandbox-paths (tests/support.py,
# OFFLINE_NIX_CONFIG).
{
  description = "Stub nixpkgs for the f/nix/build tests";

  outputs =
    { self }:
    let
      system = "x86_64-linux";
      sh = "/bin/sh";
      # The host's tools; in a sandbox only what extra-sandbox-paths lends it.
      path = "/usr/bin:/bin";

      isNixFile = module: builtins.isPath module && builtins.match ".*\\.nix" (toString module) != null;

      fingerprint =
        {
          modules ? [ ],
          specialArgs ? { },
          ...
        }:
        let
          files = map builtins.readFile (builtins.filter isNixFile modules);
          inputs = specialArgs.inputs or { };
          sources = map (name: toString inputs.${name}.outPath or "") (builtins.attrNames inputs);
        in
        {
          id = builtins.substring 0 12 (builtins.hashString "sha256" (toString (files ++ sources)));
          text = toString files;
        };

      has = marker: text: builtins.match ".*${marker}.*" text != null;

      initrd = derivation {
        name = "initrd-linux-stub";
        inherit system;
        builder = sh;
        PATH = path;
        args = [
          "-c"
          "mkdir -p $out && echo stub-initrd > $out/initrd"
        ];
      };

      bootspec =
        text:
        if has "stubNoBootspec" text then
          ""
        else if has "stubBadBootspec" text then
          "echo '{ not json' > $out/boot.json"
        else
          ''
            printf '{"org.nixos.bootspec.v1":{"system":"%s","init":"%s/init","initrd":"%s/initrd","kernel":"","kernelParams":[],"label":"NixOS stub","toplevel":"%s"},%s}\n' \
              "${system}" "$out" "$initrd" "$out" '${virtiofs}' > $out/boot.json
          '';

      # The imageless backend's two mounts, as its bootspec extension names
      # them (the stub does not read the modules, so user shares are absent).
      # The JSON members to add to the bootspec object (without its braces).
      members = json: builtins.substring 1 (builtins.stringLength json - 2) json;
      virtiofs = members (builtins.toJSON {
        "org.nixos-flake.virtiofs.v1" = [
          {
            tag = "store";
            mountPoint = "/nix/store";
            options = [
              "x-initrd.mount"
              "ro"
              "nosuid"
              "nodev"
            ];
            neededForBoot = true;
          }
          {
            tag = "modules";
            mountPoint = "/lib/modules";
            options = [ "x-initrd.mount" ];
            neededForBoot = true;
          }
        ];
      });

      delay = text: if has "stubSlowBuild" text then "sleep 4" else "";

      evaluation =
        text:
        if has "stubEvalError" text then throw "stub: evaluation fails on purpose" else "";

      failure =
        text:
        if has "stubFailBuild" text then
          ''
            i=1
            while [ $i -le 30 ]; do echo "stub build step $i"; i=$((i + 1)); done
            echo "stub: the build failed on purpose" >&2
            exit 1
          ''
        else
          "";

      toplevelFor =
        args:
        let
          print = fingerprint args;
        in
        derivation {
          name = "nixos-system-stub-${print.id}";
          inherit system initrd;
          check = evaluation print.text;
          builder = sh;
          PATH = path;
          args = [
            "-c"
            ''
              ${delay print.text}
              ${failure print.text}
              mkdir -p $out
              printf '#!/bin/sh\necho stub init\n' > $out/init
              chmod +x $out/init
              ${bootspec print.text}
            ''
          ];
        };
    in
    {
      lib.nixosSystem = args: {
        config.system.build.toplevel = toplevelFor args;
      };
    };
}
