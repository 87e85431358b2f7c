# The unprivileged account a developer logs in as. It has no password: reach
# it with an SSH key (users.users.<name>.openssh.authorizedKeys.keys).
{
  config,
  lib,
  ...
}:

let
  cfg = config.nixos-flake.user;
in
{
  options.nixos-flake.user = {
    name = lib.mkOption {
      type = lib.types.str;
      default = "kdevops";
      example = "dev";
      description = "Login name of the unprivileged user created in the guest.";
    };

    extraGroups = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "wheel" ];
      example = [
        "wheel"
        "kvm"
        "disk"
      ];
      description = ''
        Supplementary groups of the user. `wheel` lets it use sudo, which
        the guest grants without a password (the account has none).
      '';
    };
  };

  config = {
    users.users.${cfg.name} = {
      isNormalUser = true;
      inherit (cfg) extraGroups;
      description = "nixos-flake test user";
    };

    security.sudo.wheelNeedsPassword = lib.mkDefault false;
  };
}
