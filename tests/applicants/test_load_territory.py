"""The ``load_territory`` command: bundled reference data and official national files.

GeoJSON files written here are SMALL SYNTHETIC squares, not real QPV perimeters.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from applicants.models import Commune, QpvArea
from tests.support.geometry import synthetic_square

MEL = "200093201"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_territory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def feature(properties: dict[str, Any], geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": geometry or synthetic_square(3.17, 50.69),
    }


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


@pytest.fixture
def bundled(db: None) -> None:
    run()


# Bundled files ---------------------------------------------------------------------------


def test_loads_the_bundled_95_mel_communes_and_26_qpv(db: None) -> None:
    out, err = run()

    assert Commune.objects.count() == 95
    assert Commune.objects.in_mel().count() == 95
    assert QpvArea.objects.filter(generation=2024).count() == 26
    assert "95 créée(s)" in out
    assert "26 créé(s)" in out
    assert err == ""


def test_bundled_rows_are_the_real_ones(bundled: None) -> None:
    roubaix = Commune.objects.get(insee_code="59512")
    assert (roubaix.name, roubaix.postal_codes, roubaix.epci_siren) == ("Roubaix", "59100", MEL)
    assert (roubaix.population or 0) > 90_000
    assert Commune.objects.get(insee_code="59009").postal_code_list() == ["59491", "59493", "59650"]

    nouveau_roubaix = QpvArea.objects.get(code="QN05981M", generation=2024)
    assert nouveau_roubaix.name == "Nouveau Roubaix"
    assert [c.insee_code for c in nouveau_roubaix.communes.all()] == ["59512"]
    assert nouveau_roubaix.perimeter is None  # the bundled list has no geometry
    intercommunal = QpvArea.objects.get(code="QN05980M")
    assert {c.insee_code for c in intercommunal.communes.all()} == {
        "59163",
        "59512",
        "59599",
        "59650",
    }


def test_loading_twice_changes_nothing(bundled: None) -> None:
    memberships = QpvArea.communes.through.objects.count()

    out, _ = run()

    assert (Commune.objects.count(), QpvArea.objects.count()) == (95, 26)
    assert QpvArea.communes.through.objects.count() == memberships
    assert "0 créée(s), 0 mise(s) à jour, 95 inchangée(s)" in out
    assert "0 créé(s), 0 mis à jour, 26 inchangé(s)" in out


# Perimeters ------------------------------------------------------------------------------


def test_loads_synthetic_perimeters_whatever_the_property_casing(
    bundled: None, tmp_path: Path
) -> None:
    path = write_json(
        tmp_path / "qp.geojson",
        collection(
            feature({"CODE_QP": "QN05981M", "Lib_QP": "Nouveau Roubaix", "INSEE_COM": "59512"}),
            feature(
                {"code_quartier": "QN05986M", "NOM": "Pont Rompu", "commune_qp": ["59599"]},
                synthetic_square(3.15, 50.72),
            ),
            feature({"Code": "QN06201M", "nom_qp": "Ailleurs", "Insee_Communes": "62498"}),
        ),
    )

    out, _ = run("--perimeters", str(path), "--generation", "2024")

    assert QpvArea.objects.get(code="QN05981M").perimeter == synthetic_square(3.17, 50.69)
    assert QpvArea.objects.get(code="QN05986M").perimeter == synthetic_square(3.15, 50.72)
    assert not QpvArea.objects.filter(code="QN06201M").exists()  # outside the MEL: skipped
    assert QpvArea.objects.filter(generation=2024).count() == 26
    assert "1 ignoré(s) hors MEL" in out
    assert "2 avec périmètre" in out


def test_perimeters_outside_the_mel_are_kept_on_request(bundled: None, tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "qp.geojson",
        collection(feature({"code_qp": "QN06201M", "lib_qp": "Ailleurs", "insee_com": "62498"})),
    )

    _, err = run("--perimeters", str(path), "--generation", "2024", "--no-only-mel")

    assert QpvArea.objects.filter(code="QN06201M").exists()
    assert "Commune inconnue « 62498 » citée par QN06201M" in err


def test_perimeter_property_names_can_be_given(bundled: None, tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "qp.geojson",
        collection(feature({"identifiant": "QN05981M", "libelle": "NR", "villes": "59512, 59599"})),
    )

    run(
        "--perimeters",
        str(path),
        "--generation",
        "2024",
        "--code-field",
        "identifiant",
        "--name-field",
        "libelle",
        "--communes-field",
        "villes",
    )

    area = QpvArea.objects.get(code="QN05981M")
    assert area.name == "NR"
    assert {c.insee_code for c in area.communes.all()} == {"59512", "59599"}


def test_communes_named_instead_of_coded_are_recognised(bundled: None, tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "qp2015.geojson",
        collection(
            feature({"code_qp": "QP059001", "nom_qp": "Ancien", "commune_qp": "Marcq-en-Baroeul"})
        ),
    )

    run("--perimeters", str(path), "--generation", "2015")

    area = QpvArea.objects.get(code="QP059001", generation=2015)
    assert [c.name for c in area.communes.all()] == ["Marcq-en-Barœul"]


def test_a_qpv_drawn_as_several_features_keeps_every_part(bundled: None, tmp_path: Path) -> None:
    first, second = synthetic_square(3.17, 50.69), synthetic_square(3.19, 50.69)
    path = write_json(
        tmp_path / "qp.geojson",
        collection(
            feature({"code_qp": "QN05981M", "insee_com": "59512"}, first),
            feature({"code_qp": "QN05981M", "insee_com": "59512"}, second),
        ),
    )

    run("--perimeters", str(path), "--generation", "2024")

    perimeter = QpvArea.objects.get(code="QN05981M").perimeter
    assert perimeter == {
        "type": "MultiPolygon",
        "coordinates": [first["coordinates"], second["coordinates"]],
    }


def test_perimeters_in_another_projection_are_refused(bundled: None, tmp_path: Path) -> None:
    lambert = {
        "type": "Polygon",
        "coordinates": [
            [[704000, 7059000], [705000, 7059000], [704000, 7060000], [704000, 7059000]]
        ],
    }
    path = write_json(
        tmp_path / "qp.geojson", collection(feature({"code_qp": "QN05981M"}, lambert))
    )

    with pytest.raises(CommandError, match="WGS84"):
        run("--perimeters", str(path), "--generation", "2024")

    assert QpvArea.objects.get(code="QN05981M").perimeter is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{pas du json", "JSON valide"),
        (json.dumps({"type": "Feature"}), "FeatureCollection"),
        (json.dumps(collection(feature({"nom": "Sans code"}))), "--code-field"),
        (
            json.dumps(
                collection(feature({"code_qp": "QN1"}, {"type": "Point", "coordinates": [3, 50]}))
            ),
            "Polygon",
        ),
    ],
    ids=["not-json", "not-a-collection", "no-code", "not-a-polygon"],
)
def test_a_bad_perimeter_file_is_refused_clearly_and_loads_nothing(
    bundled: None, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "qp.geojson"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        run("--perimeters", str(path), "--generation", "2024")

    assert not QpvArea.objects.filter(perimeter__isnull=False).exists()


def test_qpv_files_need_a_generation(bundled: None, tmp_path: Path) -> None:
    path = write_json(tmp_path / "qp.geojson", collection())

    with pytest.raises(CommandError, match="--generation"):
        run("--perimeters", str(path))


def test_a_missing_file_is_refused_clearly(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Impossible de lire"):
        run("--communes", str(tmp_path / "absent.csv"))


# QPV lists -------------------------------------------------------------------------------


def test_a_qpv_list_reports_unknown_communes_without_failing(bundled: None, tmp_path: Path) -> None:
    path = tmp_path / "qpv.csv"
    path.write_text(
        "code,nom,insee_communes,communes\nQN05999M,Essai,59512;59999,Roubaix;Inconnue\n",
        encoding="utf-8",
    )

    _, err = run("--qpv-list", str(path), "--generation", "2024")

    area = QpvArea.objects.get(code="QN05999M")
    assert [c.insee_code for c in area.communes.all()] == ["59512"]
    assert "Commune inconnue « 59999 » citée par QN05999M" in err


def test_a_qpv_list_with_missing_columns_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "qpv.csv"
    path.write_text("code;nom\nQN05999M;Essai\n", encoding="utf-8")

    with pytest.raises(CommandError, match="colonne"):
        run("--qpv-list", str(path), "--generation", "2024")


# Communes from decoupage-administratif ---------------------------------------------------


@pytest.fixture
def decoupage_files(tmp_path: Path) -> tuple[Path, Path]:
    communes = write_json(
        tmp_path / "communes.json",
        [
            {
                "code": "59512",
                "nom": "Roubaix",
                "type": "commune-actuelle",
                "codesPostaux": ["59100"],
                "population": 98000,
            },
            {
                "code": "59355",
                "nom": "Lomme",
                "type": "commune-associee",
                "codesPostaux": ["59160"],
            },
            {
                "code": "62498",
                "nom": "Lens",
                "type": "commune-actuelle",
                "codesPostaux": ["62300"],
                "population": 32000,
            },
            {
                "code": "2A004",
                "nom": "Ajaccio",
                "type": "commune-actuelle",
                "codesPostaux": ["20000", "20090"],
            },
        ],
    )
    epci = write_json(
        tmp_path / "epci.json",
        [
            {"code": MEL, "nom": "Métropole Européenne de Lille", "membres": [{"code": "59512"}]},
            {"code": "200033579", "nom": "CA de Lens-Liévin", "membres": [{"code": "62498"}]},
        ],
    )
    return communes, epci


def test_loads_communes_and_epci_from_decoupage_administratif(
    db: None, decoupage_files: tuple[Path, Path]
) -> None:
    communes, epci = decoupage_files

    out, _ = run("--communes", str(communes), "--epci-json", str(epci))

    assert sorted(Commune.objects.values_list("insee_code", "epci_siren")) == [
        ("2A004", ""),
        ("59512", MEL),
        ("62498", "200033579"),
    ]
    assert Commune.objects.get(insee_code="2A004").postal_codes == "20000;20090"
    assert not Commune.objects.get(insee_code="62498").in_mel
    assert "3 créée(s)" in out
    assert "dont 1 dans la MEL" in out


def test_communes_without_an_epci_file_keep_their_membership(
    bundled: None, decoupage_files: tuple[Path, Path]
) -> None:
    communes, _ = decoupage_files

    run("--communes", str(communes))

    assert Commune.objects.get(insee_code="59512").epci_siren == settings.MEL_EPCI_SIREN
    assert Commune.objects.get(insee_code="62498").epci_siren == ""
    assert Commune.objects.in_mel().count() == 95


def test_an_epci_file_alone_is_refused(db: None, decoupage_files: tuple[Path, Path]) -> None:
    with pytest.raises(CommandError, match="--communes"):
        run("--epci-json", str(decoupage_files[1]))


def test_a_bad_file_among_several_loads_none_of_them(db: None, tmp_path: Path) -> None:
    bad = tmp_path / "qp.geojson"
    bad.write_text("{pas du json", encoding="utf-8")

    with pytest.raises(CommandError):
        run(
            "--communes",
            str(settings.BASE_DIR / "applicants/reference_data/mel_communes.csv"),
            "--perimeters",
            str(bad),
            "--generation",
            "2024",
        )

    assert not Commune.objects.exists()
