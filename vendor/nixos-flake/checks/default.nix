{ self, nixpkgs, pkgs }: { }
