# Licences the library's packages need that nixpkgs' lib.licenses lacks:
# neither NixOS 26.05 nor nixos-unstable (July 2026) has copyleft-next.
# Each has the attributes lib.licenses gives its own (licenseType, free,
# redistributable, ...), so that meta checks and lib.licenses.isFree treat
# it as one of them.
{
  # The repository's licence (LICENSE at its top), for what is written here.
  copyleftNext031 = {
    shortName = "copyleft-next-0.3.1";
    spdxId = "copyleft-next-0.3.1";
    fullName = "copyleft-next 0.3.1";
    url = "https://spdx.org/licenses/copyleft-next-0.3.1.html";
    free = true;
    redistributable = true;
    deprecated = false;
    licenseType = "simple";
  };
}
