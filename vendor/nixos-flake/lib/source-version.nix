# sourceVersion old source: the version of a package built from another
# source by a per-VM source override, unless the override sets one. The
# recipe's release, then "+g<commit>" for a git source (its shortRev) or
# "+src.<digest>" for a local tree (the first 7 hex digits of the sha256 of
# its narHash). "+" starts build metadata in semver and a local version in
# PEP 440, so builds that check their version still take it. Builtins only:
# the flow's provenance computes the same suffix from flake.lock, and an
# offline test holds the two together.
old: source:
"${old.version or "0"}+"
+ (
  if source ? shortRev then
    "g${source.shortRev}"
  else
    "src.${builtins.substring 0 7 (builtins.hashString "sha256" source.narHash)}"
)
