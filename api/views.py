"""Read-only endpoints: thin views over ``api.selectors`` (the pages' policy, in SQL)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import filters, selectors
from api.indicators import PlanIndicatorsSerializer
from api.serializers import (
    DecisionSerializer,
    DossierSerializer,
    FundingLineSerializer,
    IndicatorsQuerySerializer,
    TrancheSerializer,
    dossier_context,
)
from steering.indicators.types import Period
from steering.selectors import RESTRICTED_PERIODS, is_whole_semester, may_choose_any_period
from steering.snapshots import snapshot_get_or_start

ERRORS = {
    401: OpenApiResponse(description="Clé absente, inconnue ou révoquée."),
    403: OpenApiResponse(description="Ce lecteur n'a pas accès à cette ressource."),
}
NOT_FOUND = {404: OpenApiResponse(description="Objet introuvable ou non visible pour ce lecteur.")}
BAD_FILTER = {400: OpenApiResponse(description="Filtre invalide (message en français).")}


BIGGEST_ID = 2**63 - 1  # the database's largest key: a longer one cannot exist


class ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    filter_backends = [DjangoFilterBackend]

    def get_object(self) -> Any:
        value = str(self.kwargs.get(self.lookup_field, ""))
        if not value.isascii() or not value.isdigit() or int(value) > BIGGEST_ID:
            raise NotFound("Cet objet n'existe pas ou ne vous est pas visible.")
        return super().get_object()


def _documented(serializer: Any, list_doc: str, detail_doc: str, tag: str) -> Any:
    return extend_schema_view(
        list=extend_schema(
            description=list_doc,
            tags=[tag],
            responses={200: serializer(many=True), **ERRORS, **BAD_FILTER, **NOT_FOUND},
        ),
        retrieve=extend_schema(
            description=detail_doc,
            tags=[tag],
            parameters=[
                OpenApiParameter(
                    "id", int, OpenApiParameter.PATH, description="Identifiant de l'objet."
                )
            ],
            responses={200: serializer, **ERRORS, **NOT_FOUND},
        ),
    )


@_documented(
    DossierSerializer,
    "Dossiers de candidature visibles : le portefeuille d'une structure d'accompagnement, les "
    "dossiers où un financeur a une ligne, tous pour l'équipe de la MEL. Triés par identifiant.",
    "Un dossier de candidature (404 s'il n'est pas visible).",
    "dossiers",
)
class DossierViewSet(ReadOnly):
    serializer_class = DossierSerializer
    filterset_class = filters.DossierFilter

    def get_queryset(self) -> Any:
        return selectors.dossier_list(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return dossier_context(super().get_serializer_context())


@_documented(
    DecisionSerializer,
    "Avis du comité de sélection sur les dossiers visibles, avec les décisions des financeurs "
    "que le lecteur peut voir. Triés par identifiant.",
    "Un avis du comité et les décisions des financeurs visibles.",
    "décisions",
)
class DecisionViewSet(ReadOnly):
    serializer_class = DecisionSerializer
    filterset_class = filters.DecisionFilter

    def get_queryset(self) -> Any:
        return selectors.decision_list(self.request.user)


@_documented(
    FundingLineSerializer,
    "Lignes de financement : un financeur lit les siennes, l'équipe de la MEL toutes.",
    "Une ligne de financement.",
    "financements",
)
class FundingLineViewSet(ReadOnly):
    serializer_class = FundingLineSerializer
    filterset_class = filters.FundingLineFilter

    def get_queryset(self) -> Any:
        return selectors.funding_line_list(self.request.user)


@_documented(
    TrancheSerializer,
    "Tranches de versement de la subvention sur les dossiers visibles.",
    "Une tranche de versement.",
    "versements",
)
class TrancheViewSet(ReadOnly):
    serializer_class = TrancheSerializer
    filterset_class = filters.TrancheFilter

    def get_queryset(self) -> Any:
        return selectors.tranche_list(self.request.user)


class IndicatorsView(APIView):
    @extend_schema(
        description="Indicateurs agrégés du plan pour une période (le semestre en cours par "
        "défaut), pour tout le plan, un axe ou un programme, tels que calculés chaque nuit "
        "(ou à la première demande pour d'autres dates). Réservés à l'équipe de la MEL et au pilotage (comité métropolitain, "
        "laboratoire d'évaluation) ; les petits effectifs sont masqués. Hors équipe de la MEL : "
        "un semestre entier (1er janvier - 30 juin ou 1er juillet - 31 décembre), pour tout le "
        "plan, sans axe ni programme (sinon 400), pour qu'aucune différence entre deux "
        "périodes ou deux périmètres ne décrive une personne.",
        tags=["indicateurs"],
        parameters=[IndicatorsQuerySerializer],
        responses={
            200: PlanIndicatorsSerializer,
            202: OpenApiResponse(
                description="Chiffres de cette période en cours de calcul : réessayer après "
                "le délai de l'en-tête Retry-After."
            ),
            400: OpenApiResponse(description="Période invalide (message en français)."),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        if not selectors.may_read_indicators(request.user):
            raise PermissionDenied("Les indicateurs sont réservés à la MEL et au pilotage.")
        query = IndicatorsQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        data = query.validated_data
        if "debut" in data:
            period = Period(data["debut"], data["fin"])
        else:
            period = Period.semester_of(timezone.localdate())
        restricted = not may_choose_any_period(request.user)
        if restricted and ("axe" in data or "programme" in data or not is_whole_semester(period)):
            raise ValidationError({"non_field_errors": [RESTRICTED_PERIODS]})
        snapshot = snapshot_get_or_start(
            period, axis=data.get("axe"), programme=data.get("programme")
        )
        if snapshot.data is None:
            return Response(
                {"detail": "Calcul en cours : réessayez dans une minute."},
                status=202,
                headers={"Retry-After": "60"},
            )
        return Response(snapshot.data)
