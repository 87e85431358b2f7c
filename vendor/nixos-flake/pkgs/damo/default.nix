# damo, the user-space tool for DAMON. The GitHub repository moved from
# awslabs/damo to damonitor/damo; the snapshot of damonitor/damo available
# here lacks some image blobs, so the source is the release sdist on PyPI,
# whose file hash was computed from the downloaded file.
{
  lib,
  python3Packages,
}:

python3Packages.buildPythonApplication rec {
  pname = "damo";
  version = "3.3.0";
  pyproject = true;

  src = python3Packages.fetchPypi {
    inherit pname version;
    hash = "sha256-I62zLFdSZVaat6W3CPLMdxdQ6wCD4eA752JNo1rkA9A=";
  };

  build-system = [ python3Packages.setuptools ];

  # It only reads and writes DAMON's sysfs and debugfs files; no Python
  # dependencies beyond the standard library.
  doCheck = false;

  meta = {
    description = "User-space tool for DAMON, the Linux data access monitor";
    homepage = "https://github.com/damonitor/damo";
    license = lib.licenses.gpl2Only;
    platforms = lib.platforms.linux;
    mainProgram = "damo";
  };
}
