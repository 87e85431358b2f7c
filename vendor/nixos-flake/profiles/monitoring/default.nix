# Metrics and statistics a test run wants recorded. Off until
# nixos-flake.monitoring.enable is set.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.nixos-flake.monitoring;
in
{
  options.nixos-flake.monitoring.enable = lib.mkEnableOption ''
    monitoring in the guest: sysstat collection (sar), the Prometheus node
    exporter on port 9100 and interactive tools such as iotop'';

  config = lib.mkIf cfg.enable {
    # sysstat's collector records a sample every 10 minutes by default
    # (services.sysstat.collect-frequency).
    services.sysstat.enable = true;

    services.prometheus.exporters.node = {
      enable = true;
      openFirewall = lib.mkDefault true;
    };

    environment.systemPackages = with pkgs; [
      sysstat
      iotop
      htop
      procps
      numactl
      prometheus-node-exporter
    ];
  };
}
