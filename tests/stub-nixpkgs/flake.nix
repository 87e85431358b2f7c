# A stand-in for nixpkgs that builds offline in well under a second.
#
# lib.nixosSystem ignores what the modules say but not what they are: the
# toplevel's name carries a fingerprint of every .nix file among the modules
# (the per-VM default.nix) and of every flake input passed in specialArgs
# (source overrides), so changing either changes the closure, as with the
# real thing. The toplevel holds a bootspec like a NixOS system does.
{
  description = "Stub nixpkgs for the f/nix/build tests";

  outputs =
    { self }:
    let
      system = "x86_64-linux";
      sh = "/bin/sh";

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
        builtins.substring 0 12 (builtins.hashString "sha256" (toString (files ++ sources)));

      initrd = derivation {
        name = "initrd-linux-stub";
        inherit system;
        builder = sh;
        args = [
          "-c"
          "/bin/mkdir -p $out && echo stub-initrd > $out/initrd"
        ];
      };

      toplevelFor =
        args:
        derivation {
          name = "nixos-system-stub-${fingerprint args}";
          inherit system initrd;
          builder = sh;
          args = [
            "-c"
            ''
              /bin/mkdir -p $out
              printf '#!/bin/sh\necho stub init\n' > $out/init
              /bin/chmod +x $out/init
              printf '{"org.nixos.bootspec.v1":{"system":"%s","init":"%s/init","initrd":"%s/initrd","kernel":"","kernelParams":[],"label":"NixOS stub","toplevel":"%s"}}\n' \
                "${system}" "$out" "$initrd" "$out" > $out/boot.json
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
