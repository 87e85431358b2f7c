# Whether a derivation's final `src` differs from the one its recipe pinned.
# The comparison is on store paths as strings, so a flake input (an
# attribute set with outPath) and a fetcher derivation compare alike.
finalAttrs: prevAttrs: toString finalAttrs.src != toString prevAttrs.src
