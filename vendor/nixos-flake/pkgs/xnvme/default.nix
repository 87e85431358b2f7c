# xNVMe: the cross-platform NVMe library and its CLI tools (xnvme, lblk,
# zoned, xdd, ...), also what fio's xnvme I/O engine links against.
{
  lib,
  stdenv,
  fetchFromGitHub,
  meson,
  ninja,
  pkg-config,
  libaio,
  liburing,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "xnvme";
  version = "0.7.5";

  src = fetchFromGitHub {
    owner = "xnvme";
    repo = "xnvme";
    rev = "v${finalAttrs.version}";
    hash = "sha256-1H/qxzikS+8LgMqBOn3TyG2JE9+DhhOYYl7VkYif/rE=";
  };

  strictDeps = true;

  nativeBuildInputs = [
    meson
    ninja
    pkg-config
  ];

  buildInputs = [
    libaio
    liburing
  ];

  # SPDK and libvfn would come in as meson subprojects downloaded at build
  # time; the kernel backends (psync, libaio, io_uring, ioctl) need neither.
  mesonFlags = [
    (lib.mesonEnable "with-libaio" true)
    (lib.mesonEnable "with-liburing" true)
    (lib.mesonEnable "with-spdk" false)
    (lib.mesonEnable "with-libvfn" false)
    (lib.mesonEnable "with-isal" false)
    (lib.mesonBool "build_subprojects" false)
    (lib.mesonBool "tests" false)
    (lib.mesonBool "examples" false)
  ];

  meta = {
    description = "Cross-platform library and tools for NVMe devices";
    homepage = "https://xnvme.io";
    license = lib.licenses.bsd3;
    platforms = lib.platforms.linux;
    mainProgram = "xnvme";
  };
})
