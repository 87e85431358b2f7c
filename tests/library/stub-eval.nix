# Evaluates the library's modules with nixpkgs' real lib (module system and
# option types) against stand-in declarations of the NixOS options they set
# and stand-in packages. It proves our own options, types and merging; the
# real option set is proved by the `nixpkgs` checks.
{
  libPath,
  namesJson,
  library,
  extra ? [ ],
  withSuites ? false,
}:
let
  lib = import (libPath + "/lib");
  names = builtins.fromJSON namesJson;
  fake = n: {
    type = "derivation";
    name = n;
    outPath = "/nix/store/00000000000000000000000000000000-${n}";
    drvPath = "/nix/store/00000000000000000000000000000000-${n}.drv";
    src = { outPath = "/nix/store/x-${n}-src"; };
    override = _: fake n;
    overrideAttrs = _: fake n;
    withPackages = _: fake "${n}-env";
    passthru = { };
    meta = { };
    version = "1.0";
    pname = n;
    dev = fake "${n}-dev";
  };
  pkgs = lib.genAttrs names fake // {
    linuxPackages = { perf = fake "perf"; cpupower = fake "cpupower"; };
    runCommand = name: env: script: fake name;
    writeText = name: text: fake name;
    writeShellScript = name: text: fake name;
    writeShellScriptBin = name: text: fake name;
    writeScript = name: text: fake name;
    stdenv.hostPlatform.system = "x86_64-linux";
    python3Packages = { };
    perlPackages = { };
  };
  stubOptions =
    { lib, ... }:
    let
      t = lib.types;
      any = t.lazyAttrsOf t.anything;
      list = lib.mkOption { type = t.listOf t.anything; default = [ ]; };
      free = opts: t.submodule { freeformType = any; options = opts; };
    in
    {
      config._module.freeformType = any;
      options = {
        assertions = list;
        environment.systemPackages = list;
        environment.extraOutputsToInstall = list;
        environment.sessionVariables = lib.mkOption { type = t.attrsOf (t.either t.str (t.listOf t.str)); default = { }; };
        environment.etc = lib.mkOption { type = t.attrsOf any; default = { }; };
        boot = lib.mkOption { type = free {
          kernelModules = list;
          initrd = lib.mkOption { type = free { availableKernelModules = list; kernelModules = list; }; default = { }; };
          kernel = lib.mkOption { type = free { sysctl = lib.mkOption { type = t.attrsOf t.anything; default = { }; }; }; default = { }; };
        }; default = { }; };
        fileSystems = lib.mkOption {
          type = t.attrsOf (free {
            options = lib.mkOption { type = t.nonEmptyListOf t.str; default = [ "defaults" ]; };
            neededForBoot = lib.mkOption { type = t.bool; default = false; };
          });
          default = { };
        };
        users.users = lib.mkOption { type = t.attrsOf (free { extraGroups = list; }); default = { }; };
        systemd.services = lib.mkOption { type = t.attrsOf (free { wantedBy = list; restartTriggers = list; environment = lib.mkOption { type = t.attrsOf t.str; default = { }; }; }); default = { }; };
        system.modulesTree = list;
        systemd.tmpfiles.rules = list;
        systemd.tmpfiles.settings = lib.mkOption { type = t.attrsOf any; default = { }; };
      };
    };
  v = library;
  evaluated = lib.evalModules {
    modules = [
      stubOptions
      { _module.args.pkgs = pkgs; }
      (v + "/backends/imageless")
      (v + "/user")
      (v + "/profiles/devel")
      (v + "/profiles/build-tools")
      (v + "/profiles/monitoring")
      (v + "/profiles/controller")
      (v + "/mounts/shares")
    ] ++ lib.optional withSuites (v + "/default.nix") ++ extra;
  };
  c = evaluated.config;
  clean =
    x:
    if builtins.isFunction x then "<fn>"
    else if builtins.isAttrs x then (if x.type or null == "derivation" then "drv:" + x.name else lib.mapAttrs (_: clean) x)
    else if builtins.isList x then map clean x
    else x;
in
lib.mapAttrs (_: clean) {
  fileSystems = c.fileSystems;
  users = c.users;
  boot = builtins.removeAttrs c.boot [ ];
  nixos-flake = c.nixos-flake;
  services = c.services;
  systemd = c.systemd;
  environment = {
    systemPackages = map (p: p.name) c.environment.systemPackages;
    inherit (c.environment) sessionVariables extraOutputsToInstall;
    etcKeys = builtins.attrNames c.environment.etc;
  };
  security = c.security;
  system = builtins.removeAttrs c.system [ "modulesTree" ];
  assertions = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
  documentation = c.documentation;
  networking = c.networking;
}
