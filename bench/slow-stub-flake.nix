# A stand-in nixpkgs for flow_benchmark.py: lib.nixosSystem spends a tunable
# amount of evaluation (folding a generated list of @SIZE@ squares with xor,
# which cannot overflow: Nix 2.26 refuses an integer overflow that Nix 2.8
# wrapped, and a sum of millions of squares passes 2^63) before it
# returns a toplevel named after the per-VM default.nix, like tests/stub-nixpkgs,
# whose builder uses the host's mkdir through PATH (tests/support.py lends it to
# nix's sandbox).
{
  outputs =
    { self }:
    let
      work = builtins.foldl' builtins.bitXor 0 (builtins.genList (i: i * i) @SIZE@);

      isNixFile = m: builtins.isPath m && builtins.match ".*\\.nix" (toString m) != null;

      toplevelFor =
        args:
        let
          files = map builtins.readFile (builtins.filter isNixFile args.modules);
          id = builtins.substring 0 12 (builtins.hashString "sha256" (toString files));
        in
        derivation {
          name = "nixos-system-bench-${id}";
          system = "x86_64-linux";
          builder = "/bin/sh";
          PATH = "/usr/bin:/bin";
          cost = toString work;
          args = [
            "-c"
            ''
              mkdir -p $out
              : > $out/init
              : > $out/initrd
              printf '{"org.nixos.bootspec.v1":{"init":"%s/init","initrd":"%s/initrd",' "$out" "$out" > $out/boot.json
              printf '"system":"x86_64-linux","label":"bench","toplevel":"%s"}}' "$out" >> $out/boot.json
            ''
          ];
        };
    in
    {
      cost = work;
      lib.nixosSystem = args: { config.system.build.toplevel = toplevelFor args; };
    };
}
