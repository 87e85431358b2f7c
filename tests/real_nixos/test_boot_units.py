"""How the units started at boot are counted (no nix needed)."""

from tests.real_nixos.boot_units import started_at_boot


def boot(**units: dict) -> dict:
    return {"defaultUnit": "multi-user.target", "units": units}


def test_links_dependencies_and_systemds_skeleton_pull_units_in():
    started = started_at_boot(
        boot(
            **{
                "firewall.service": {"wantedBy": ["sysinit.target"]},
                "sshd.service": {"wantedBy": ["multi-user.target"], "dependencies": []},
                "a.service": {"requiredBy": ["sockets.target"]},
                "b.service": {"upheldBy": ["a.service"]},
                "c.service": {"dependencies": ["Wants=d.service e.target", "Requisite=f.mount"]},
                "g.service": {"wantedBy": ["c.service"]},
                "serial-getty@hvc0.service": {"wantedBy": ["getty.target"]},
            }
        )
    )
    assert {"firewall.service", "sshd.service", "a.service", "b.service"} <= set(started)
    assert "serial-getty@hvc0.service" in started
    # c.service is pulled in by nobody, so neither is what it wants.
    assert not {"c.service", "d.service", "g.service"} & set(started)
    assert {"basic.target", "sysinit.target", "remote-fs.target"} <= set(started)
    assert started == sorted(started)


def test_a_unit_wanted_only_by_network_online_target_does_not_start_at_boot():
    units = {
        "systemd-networkd-wait-online.service": {"wantedBy": ["network-online.target"]},
        "runner@.service": {"dependencies": ["Wants=network-online.target"]},
    }
    assert "systemd-networkd-wait-online.service" not in started_at_boot(boot(**units))
    units["nfs-mount.service"] = {
        "wantedBy": ["remote-fs.target"],
        "dependencies": ["Wants=network-online.target", "After=network-online.target"],
    }
    started = started_at_boot(boot(**units))
    assert {"network-online.target", "systemd-networkd-wait-online.service"} <= set(started)
