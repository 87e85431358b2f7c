# What the tests assert about an evaluated guest, read from a NixOS system
# (a flake's nixosConfigurations.<name>), given the packages whose sources
# the tests override:
#   nix eval --json <flake>#nixosConfigurations.imageless \
#     --apply "($(cat guest.nix)) [ \"fio\" ]"
# Everything is plain data; nothing is built.
overridden: system:
let
  inherit (system) config pkgs;
  inherit (pkgs) lib;

  # boot.initrd.*KernelModules are lists in older releases and sets of names
  # to true in newer ones.
  names =
    value:
    if builtins.isList value then value else lib.attrNames (lib.filterAttrs (_: on: on) value);

  packageName = package: package.pname or (builtins.parseDrvName package.name).name;

  kernelNamed = "${config.boot.kernelPackages.kernel}/${config.system.boot.loader.kernelFile}";

  enabled = lib.filterAttrs (_: unit: unit.enable);
in
{
  toplevel = config.system.build.toplevel.drvPath;
  # The kernels nixpkgs would build for this system, which must stay out of it.
  nixpkgsKernels = map (set: set.kernel.drvPath) [
    pkgs.linuxPackages
    pkgs.linuxPackages_latest
  ];

  hostName = config.networking.hostName;

  fileSystems = lib.mapAttrs (_: fs: {
    inherit (fs)
      device
      fsType
      options
      neededForBoot
      ;
  }) config.fileSystems;

  # nixos-flake.storage (mounts/storage): each entry as the module got it,
  # and the format units it made, as systemd will run them (the condition's
  # script text, so nothing is built to read it).
  storage = {
    entries = config.nixos-flake.storage or { };
    formatUnits =
      lib.mapAttrs
        (_: unit: {
          inherit (unit)
            requiredBy
            before
            requires
            after
            conflicts
            ;
          inherit (unit.unitConfig) DefaultDependencies;
          inherit (unit.serviceConfig) Type RemainAfterExit ExecStart;
          condition = unit.serviceConfig.ExecCondition.text or null;
          path = map packageName unit.path;
        })
        (
          lib.filterAttrs (
            name: unit: lib.hasPrefix "format-" name && unit.serviceConfig ? ExecCondition
          ) (enabled config.systemd.services)
        );
  };

  kernel = {
    enable = config.boot.kernel.enable;
    # What a reference to the kernel image interpolates to (boot.json's
    # "kernel" field up to NixOS 25.11), and whether it drags a store path (a
    # kernel build) along.
    bootspecPath = kernelNamed;
    bootspecPathHasContext = builtins.getContext kernelNamed != { };
    sysctl = config.boot.kernel.sysctl;
  };

  initrd = {
    enable = config.boot.initrd.enable;
    systemd = config.boot.initrd.systemd.enable;
    availableKernelModules = names config.boot.initrd.availableKernelModules;
    kernelModules = names config.boot.initrd.kernelModules;
    includeDefaultModules = config.boot.initrd.includeDefaultModules;
  };

  ssh = {
    enable = config.services.openssh.enable;
    inherit (config.services.openssh.settings)
      PasswordAuthentication
      KbdInteractiveAuthentication
      PermitRootLogin
      ;
  };

  nix = {
    enable = config.nix.enable;
  };

  # Whether the toplevel can be switched to in a running guest (the result's
  # `switch`), and what would refuse the switch when it changes.
  switch = {
    inherit (config.system.switch) enable inhibitors;
    command = lib.hasInfix "$out/bin/switch-to-configuration" config.system.activatableSystemBuilderCommands;
  };

  # The consoles: who getty logs in, the serial gettys the guest starts, and
  # whether root has a password anywhere.
  console = {
    autologinUser = config.services.getty.autologinUser;
    serialGetty = lib.mapAttrs (_: unit: { inherit (unit) wantedBy overrideStrategy; }) (
      lib.filterAttrs (name: _: lib.hasPrefix "serial-getty@" name && name != "serial-getty@") (
        enabled config.systemd.services
      )
    );
    serialGettyExecStart = config.systemd.services."serial-getty@".serviceConfig.ExecStart;
    rootPassword = lib.any (v: v != null) [
      config.users.users.root.password
      config.users.users.root.hashedPassword
      config.users.users.root.initialPassword
      config.users.users.root.initialHashedPassword
      config.users.users.root.hashedPasswordFile
    ];
  };

  users = lib.mapAttrs (_: user: {
    inherit (user)
      isNormalUser
      extraGroups
      home
      uid
      ;
    keys = user.openssh.authorizedKeys.keys;
  }) config.users.users;

  groups = lib.attrNames config.users.groups;

  packages = lib.unique (map packageName config.environment.systemPackages);
  packagePaths = map (package: package.outPath) config.environment.systemPackages;

  services = lib.attrNames (enabled config.systemd.services);
  sockets = lib.attrNames (enabled config.systemd.sockets);
  timers = lib.attrNames (enabled config.systemd.timers);

  enabledServices = {
    sysstat = config.services.sysstat.enable;
    nodeExporter = config.services.prometheus.exporters.node.enable;
    libvirtd = config.virtualisation.libvirtd.enable;
    rpcbind = config.services.rpcbind.enable;
    nfsServer = config.services.nfs.server.enable;
    mysql = config.services.mysql.enable;
    postgresql = config.services.postgresql.enable;
  };

  # The suites' runner units (testSuites/common/runner.nix) as systemd
  # will run them, and what the suites hard-code or need around them.
  runners = lib.mapAttrs (name: _: {
    inherit (config.systemd.services."${name}@") after environment;
    inherit (config.systemd.services."${name}@".serviceConfig) ExecStart Type TimeoutStartSec;
    EnvironmentFile = config.systemd.services."${name}@".serviceConfig.EnvironmentFile or [ ];
  }) (config.nixos-flake.testSuites.runners or { });
  nfsExports = config.services.nfs.server.exports;
  firewallTcpPorts = config.networking.firewall.allowedTCPPorts;
  firewallTcpPortRanges = config.networking.firewall.allowedTCPPortRanges;
  supportedFilesystems = names config.boot.supportedFilesystems;
  modprobeConfig = config.boot.extraModprobeConfig;
  kernelParams = config.boot.kernelParams;
  sudoConfig = config.security.sudo.extraConfig;
  shellInit = config.environment.extraInit;
  mysqlDatabases = config.services.mysql.ensureDatabases;
  postgresqlDatabases = config.services.postgresql.ensureDatabases;
  sysbenchConfigureFlags = pkgs.sysbench.configureFlags or [ ];
  xfstests = {
    inherit (pkgs.xfstests) version;
    buildInputs = map packageName pkgs.xfstests.buildInputs;
    tree = "${pkgs.xfstests}/lib/xfstests";
    inherit (pkgs.xfstests) postInstall;
    xfsprogsLibexec = "${pkgs.xfsprogs.out}/libexec/xfsprogs";
  };
  # The python3 first on PATH: of the installed packages that provide one,
  # the one of highest priority (lowest number), and the modules it has.
  python3OnPath =
    let
      providers = builtins.filter (
        package: lib.hasPrefix "python3-" package.name
      ) config.environment.systemPackages;
      describe = package: {
        inherit (package) name;
        priority = package.meta.priority or lib.meta.defaultPriority;
        modules = map packageName (package.paths or [ ]);
      };
    in
    lib.sort (a: b: a.priority < b.priority) (map describe providers);
  # Unit files installed from packages, as name:output.
  systemdPackages = map (
    package: "${packageName package}:${package.outputName or "out"}"
  ) config.systemd.packages;
  kernelModules = config.boot.kernelModules;
  xfsBugOnAssert =
    let
      unit = config.systemd.services.xfs-bug-on-assert or null;
    in
    if unit == null then
      null
    else
      {
        inherit (unit) script after wantedBy;
        condition = unit.unitConfig.ConditionPathExists or null;
      };
  blktestsConfig = config.environment.etc."blktests/config".text or null;
  # The devel profile's option and what its fio and libbpf-tools install
  # beyond nixpkgs' recipes (overlays/fio.nix, overlays/libbpf-tools.nix).
  devel = {
    vfioUnsafeInterrupts = config.nixos-flake.devel.vfioUnsafeInterrupts or null;
    bashCompletion = config.programs.bash.completion.enable;
    fioPostInstall = pkgs.fio.postInstall or "";
    libbpfTools = {
      symbolize = pkgs.libbpf-tools.symbolize or null;
      blazesym = if pkgs ? blazesym-c then pkgs.blazesym-c.outPath else null;
      preBuild = pkgs.libbpf-tools.preBuild or "";
      postInstall = pkgs.libbpf-tools.postInstall or "";
    };
  };

  # What the guest starts at boot, as its configuration says (counted by
  # tests/real_nixos/boot_units.py): each enabled unit's lines that pull other
  # units in, and the units that pull it in.
  boot = {
    inherit (config.systemd) defaultUnit;
    units = lib.mapAttrs (_: unit: {
      wantedBy = unit.wantedBy or [ ];
      requiredBy = unit.requiredBy or [ ];
      upheldBy = unit.upheldBy or [ ];
      dependencies = builtins.filter (
        line: builtins.match "(Wants|Requires|Requisite|BindsTo|Upholds)=.*" line != null
      ) (lib.splitString "\n" (if unit.text or null == null then "" else unit.text));
    }) (enabled config.systemd.units);
  };

  network = {
    inherit (config.networking) useNetworkd useDHCP;
    dhcpcd = config.networking.dhcpcd.enable;
    networkd = config.systemd.network.enable;
    waitOnline = config.systemd.network.wait-online.enable;
    waitOnlineArgs = config.systemd.network.wait-online.extraArgs;
    networks = lib.mapAttrs (_: network: {
      inherit (network) matchConfig;
      dhcp = network.networkConfig.DHCP or network.DHCP or null;
    }) config.systemd.network.networks;
    firewall = config.networking.firewall.enable;
    # The node exporter opens its port through firewall rules of its own.
    nodeExporterOpensFirewall = config.services.prometheus.exporters.node.openFirewall;
    resolved = config.services.resolved.enable;
  };

  # The documentation switches, and the outputs installed besides each
  # package's default one.
  docs = {
    inherit (config.documentation) enable;
    man = config.documentation.man.enable;
    info = config.documentation.info.enable;
    doc = config.documentation.doc.enable;
    dev = config.documentation.dev.enable;
    nixos = config.documentation.nixos.enable;
    extraOutputsToInstall = config.environment.extraOutputsToInstall;
  };
  # Packages installed as their dev output, and the directories linked into
  # the system path.
  devOutputs = map packageName (
    builtins.filter (package: package.outputName or "out" == "dev") config.environment.systemPackages
  );
  inherit (config.environment) pathsToLink;

  tmpfiles = config.systemd.tmpfiles.rules;
  etc = lib.attrNames config.environment.etc;
  variables = config.environment.variables;

  # The overridden packages: what each is built from and where it lands
  # ("out": an attribute named outPath would make toJSON print the set as
  # that path), and the flake inputs that carry source overrides.
  overridable = lib.genAttrs overridden (name: {
    src = toString pkgs.${name}.src;
    version = pkgs.${name}.version or null;
    out = pkgs.${name}.outPath;
  });
  sourceInputs = lib.mapAttrs (_: input: input.outPath) (
    lib.filterAttrs (name: _: lib.hasSuffix "-src" name) system._module.specialArgs.inputs
  );

  # The monitoring profile (profiles/monitoring): its options, but the
  # package, and its template units as systemd will run them; null without
  # the profile.
  monitoring =
    let
      cfg = config.nixos-flake.monitoring or null;
      field = attrs: name: attrs.${name} or null;
      unit = service: {
        inherit (service) description;
        WantsMountsFor = field service.unitConfig "WantsMountsFor";
        serviceConfig = lib.genAttrs [
          "Type"
          "RemainAfterExit"
          "ExecStartPre"
          "ExecStart"
          "ExecStop"
          "ExecStopPost"
          "KillSignal"
          "ProtectSystem"
          "ReadWritePaths"
        ] (field service.serviceConfig);
      };
    in
    if cfg == null then
      null
    else
      {
        options = removeAttrs cfg [ "libbpfTools" ];
        libbpfTools = cfg.libbpfTools.outPath;
        units = lib.mapAttrs (_: unit) (
          lib.filterAttrs (name: _: lib.hasPrefix "monitor-" name) (enabled config.systemd.services)
        );
      };

  assertions = map (assertion: assertion.message) (
    builtins.filter (assertion: !assertion.assertion) config.assertions
  );
}
