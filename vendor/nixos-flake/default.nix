# nixosModules.default: every module that describes what runs inside a guest
# (the user, the four profiles, the ten test suites, the shares and the
# block-device storage), and none that decides how the guest boots. Pick a
# backend next to it (nixosModules.backends.imageless) and add
# overlays.default to nixpkgs.overlays: the suites need the library's
# packages.
#
# Importing it costs nothing by itself being enabled beyond what acts on
# import: devel, build-tools and the suites install their tools; monitoring
# and controller wait for their enable options.
let
  contract = import ./contract.nix;
  # ./<kind>/<name> for each name the contract lists.
  modulesOf = kind: map (name: ./. + "/${kind}/${name}") (builtins.attrNames contract.${kind});
in
{
  imports = [
    ./user
  ]
  ++ modulesOf "profiles"
  ++ modulesOf "testSuites"
  ++ [
    ./mounts/shares
    ./mounts/storage
  ];
}
