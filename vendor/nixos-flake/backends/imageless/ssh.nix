# SSH by key only; keys come from the per-VM configuration
# (users.users.<name>.openssh.authorizedKeys.keys).
{ lib, ... }:

{
  services.openssh = {
    enable = true;
    settings = {
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
      PermitRootLogin = lib.mkDefault "prohibit-password";
    };
  };
}
