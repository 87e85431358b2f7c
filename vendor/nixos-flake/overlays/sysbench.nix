# sysbench with its PostgreSQL driver as well as the MySQL one: nixpkgs
# builds only MySQL's, so `--db-driver=pgsql` fails with "invalid database
# driver name". libpq is its own package in newer nixpkgs; older ones ship
# it in postgresql.
{ final, prev }:

let
  libpq = final.libpq or final.postgresql;
in
prev.sysbench.overrideAttrs (prevAttrs: {
  buildInputs = (prevAttrs.buildInputs or [ ]) ++ [ libpq ];
  configureFlags = (prevAttrs.configureFlags or [ ]) ++ [
    "--with-pgsql"
    "--with-pgsql-includes=${final.lib.getDev libpq}/include"
    "--with-pgsql-libs=${final.lib.getLib libpq}/lib"
  ];
})
