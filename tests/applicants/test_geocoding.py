"""The address API adapter: one result or None, and a single failure mode when unavailable."""

from __future__ import annotations

from typing import Any

import pytest

from applicants.geocoding import GeocodedAddress, GeocoderUnavailable, geocode
from tests.support.geocoder import FakeAddressApi


def test_geocode_returns_the_best_match(geocoder: FakeAddressApi) -> None:
    geocoder.answer(
        "rue de l'epeule", 3.1601, 50.6890, score=0.91, label="12 Rue de l'Epeule 59100 Roubaix"
    )

    found = geocode("12 rue de l'Epeule", postcode="59100", citycode="59512")

    assert found == GeocodedAddress(
        lon=3.1601,
        lat=50.6890,
        score=0.91,
        label="12 Rue de l'Epeule 59100 Roubaix",
        citycode="59512",
        result_type="housenumber",
    )


def test_geocode_sends_query_postcode_citycode_and_limit(geocoder: FakeAddressApi) -> None:
    geocode("12 rue de l'Epeule", postcode="59100", citycode="59512")

    assert geocoder.requests == [
        {"q": "12 rue de l'Epeule", "postcode": "59100", "citycode": "59512", "limit": "1"}
    ]


def test_geocode_returns_none_when_nothing_is_found(geocoder: FakeAddressApi) -> None:
    assert geocode("999 chemin qui n'existe pas") is None


def test_geocode_does_not_call_the_service_for_a_too_short_query(geocoder: FakeAddressApi) -> None:
    assert geocode("  a ") is None
    assert geocoder.requests == []


def test_geocode_raises_unavailable_when_the_service_is_down(geocoder: FakeAddressApi) -> None:
    geocoder.down()

    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue de l'Epeule")


def test_geocode_raises_unavailable_when_the_service_is_too_slow(
    geocoder: FakeAddressApi, settings: Any
) -> None:
    settings.GEOCODER_TIMEOUT = 0.2
    geocoder.slow(2.0)

    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue de l'Epeule")


def test_geocode_raises_unavailable_on_a_server_error(geocoder: FakeAddressApi) -> None:
    geocoder.fail(500)

    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue de l'Epeule")


def test_geocode_raises_unavailable_on_a_reply_that_is_not_json(geocoder: FakeAddressApi) -> None:
    geocoder.garble()

    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue de l'Epeule")


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"features": "nope"},
        {"features": [{"geometry": None, "properties": {}}]},
        {"features": [{"geometry": {"coordinates": ["x", "y"]}, "properties": {}}]},
        {"features": [{"geometry": {"coordinates": [300.0, 50.0]}, "properties": {}}]},
    ],
)
def test_geocode_raises_unavailable_on_a_reply_of_unexpected_shape(
    geocoder: FakeAddressApi, payload: Any
) -> None:
    geocoder.answer_payload("epeule", payload)

    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue de l'Epeule")


def test_geocode_raises_unavailable_when_the_url_is_not_http(settings: Any) -> None:
    settings.GEOCODER_URL = "file:///etc/passwd"

    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue de l'Epeule")


def test_test_settings_point_the_geocoder_at_a_closed_local_port(settings: Any) -> None:
    """Without the fixture, a test that forgot it fails fast instead of reaching the Internet."""
    assert settings.GEOCODER_URL.startswith("http://127.0.0.1:")
    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue de l'Epeule")
