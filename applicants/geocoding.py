"""Adapter for the national address API (Base Adresse Nationale, « API Adresse »).

One function, :func:`geocode`, turns a postal address into a point. It speaks to any server
compatible with ``api-adresse.data.gouv.fr/search/`` (``settings.GEOCODER_URL``) with the
standard library only, and fails in exactly one way, :class:`GeocoderUnavailable`, so callers
can fall back to a manual check instead of losing the applicant's form.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# A single-result answer is a few kilobytes; refuse to buffer anything absurd.
MAX_RESPONSE_BYTES = 1_000_000


class GeocoderUnavailable(Exception):
    """The address service gave no usable answer (down, too slow, error or garbled reply)."""


@dataclass(frozen=True)
class GeocodedAddress:
    """The best match the address service found, in WGS84 degrees."""

    lon: float
    lat: float
    score: float
    label: str
    citycode: str
    # "housenumber", "street", "locality" or "municipality": how precise the point is.
    result_type: str = ""


def geocode(address: str, *, postcode: str = "", citycode: str = "") -> GeocodedAddress | None:
    """The best match for ``address``, or None when the service found nothing.

    Raises :class:`GeocoderUnavailable` on connection error, timeout, HTTP status other than
    200 or a reply that is not the expected GeoJSON; never anything else.
    """
    query = " ".join(address.split())
    if len(query) < 3:  # the API refuses shorter queries with a 400; nothing to look up
        return None
    payload = _fetch(_search_url(query, postcode=postcode, citycode=citycode))
    return _parse(payload)


def _search_url(query: str, *, postcode: str, citycode: str) -> str:
    params = {"q": query, "limit": "1"}
    if postcode:
        params["postcode"] = postcode
    if citycode:
        params["citycode"] = citycode
    return f"{settings.GEOCODER_URL}?{urllib.parse.urlencode(params)}"


def _fetch(url: str) -> Any:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise GeocoderUnavailable("GEOCODER_URL doit être une adresse http(s).")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        # The scheme is checked above, so urlopen cannot be steered to file:// or ftp://.
        with urllib.request.urlopen(request, timeout=settings.GEOCODER_TIMEOUT) as response:  # noqa: S310
            if response.status != 200:
                raise GeocoderUnavailable(f"statut HTTP {response.status}")
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except GeocoderUnavailable:
        raise
    except urllib.error.HTTPError as error:
        logger.warning("Geocoder answered HTTP %s", error.code)
        raise GeocoderUnavailable(f"statut HTTP {error.code}") from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        # OSError covers refused connections, DNS failures and timeouts (URLError, TimeoutError).
        logger.warning("Geocoder unreachable: %s", error)
        raise GeocoderUnavailable(str(error)) from error
    if len(body) > MAX_RESPONSE_BYTES:
        raise GeocoderUnavailable("réponse trop volumineuse")
    try:
        return json.loads(body)
    except ValueError as error:  # also UnicodeDecodeError
        raise GeocoderUnavailable("réponse JSON illisible") from error


def _parse(payload: Any) -> GeocodedAddress | None:
    try:
        features = payload["features"]
        if not isinstance(features, list):
            raise TypeError("features is not a list")
        if not features:
            return None
        return _feature_to_address(features[0])
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise GeocoderUnavailable(f"réponse inattendue : {error}") from error


def _feature_to_address(feature: Any) -> GeocodedAddress:
    lon, lat = (float(value) for value in feature["geometry"]["coordinates"][:2])
    properties = feature["properties"]
    result = GeocodedAddress(
        lon=lon,
        lat=lat,
        score=float(properties.get("score", 0.0)),
        label=str(properties.get("label", "")),
        citycode=str(properties.get("citycode", "")),
        result_type=str(properties.get("type", "")),
    )
    if not all(math.isfinite(v) for v in (result.lon, result.lat, result.score)):
        raise ValueError("coordonnées ou score non numériques")
    if not (-180 <= result.lon <= 180 and -90 <= result.lat <= 90):
        raise ValueError("coordonnées hors WGS84")
    return result
