{ pkgs }: { }
