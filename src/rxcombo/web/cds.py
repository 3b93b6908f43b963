"""CDS Hooks 2.0 services (order-select, order-sign) and FHIR DetectedIssue output.

The EHR sends FHIR R4 draft orders (a Bundle of MedicationRequest) and, through prefetch,
the patient's active MedicationRequests. Medicines are identified by RxNorm code, else by
text. One card per finding that involves a draft order; medicines that could not be
identified get an info card saying they were not checked. FHIR is validated with
fhir.resources (R4B models, wire-compatible with R4 for these resources).
"""

from __future__ import annotations

import logging
import uuid
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rxcombo.engine.assessment import NotAssessed
from rxcombo.engine.checker import CheckResult, Engine
from rxcombo.engine.findings import Finding
from rxcombo.engine.resolver import Resolution
from rxcombo.engine.summary import group_by_pair
from rxcombo.web.problems import problem

log = logging.getLogger("rxcombo.cds")
router = APIRouter(tags=["cds-hooks"])
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
PREFETCH = {"medications": "MedicationRequest?patient={{context.patientId}}&status=active"}
SERVICES = {
    "rxcombo-order-select": ("order-select", "rxcombo interaction check (order-select)"),
    "rxcombo-order-sign": ("order-sign", "rxcombo interaction check (order-sign)"),
}
INDICATOR = {"contraindicated": "critical", "major": "critical", "moderate": "warning", "minor": "info"}
FHIR_SEVERITY = {"contraindicated": "high", "major": "high", "moderate": "moderate", "minor": "low"}
OVERRIDE_REASONS = [
    {"code": "benefit-outweighs-risk", "system": "https://rxcombo.invalid/override-reason", "display": "Benefit outweighs the risk for this patient"},
    {"code": "already-monitored", "system": "https://rxcombo.invalid/override-reason", "display": "Already monitored or managed"},
    {"code": "patient-informed", "system": "https://rxcombo.invalid/override-reason", "display": "Discussed with the patient"},
]


class HookRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    hook: str
    hookInstance: str = Field(min_length=1, max_length=200)
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None
    fhirServer: str | None = None


@router.get("/cds-services")
def discovery() -> dict[str, Any]:
    """CDS Hooks discovery: the services this server offers."""
    return {"services": [
        {"hook": hook, "id": sid, "title": title, "prefetch": PREFETCH,
         "description": "Checks draft medication orders against the patient's active medications with the rxcombo engine; every card names its rule and sources."}
        for sid, (hook, title) in SERVICES.items()
    ]}


@lru_cache(maxsize=4)
def _rxcui_index(engine: Engine) -> dict[str, str]:
    """RxCUI -> medicine id, from the records' hand-written codes."""
    index = {}
    for mid in engine.catalog.medicine_names:
        rxcui = engine.catalog.record(mid).get("codes", {}).get("rxcui")
        if rxcui:
            index[str(rxcui)] = mid
    return index


def _bundle_orders(data: Any, where: str) -> list[Any]:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.medicationrequest import MedicationRequest

    if data is None:
        return []
    bundle = Bundle.model_validate(data)
    orders = []
    for i, entry in enumerate(bundle.entry or []):
        if entry.resource is None:
            continue
        if not isinstance(entry.resource, MedicationRequest):
            raise ValueError(f"{where}.entry[{i}] is a {type(entry.resource).__name__}, expected MedicationRequest")
        orders.append(entry.resource)
    return orders


def _identify(order: Any, engine: Engine) -> tuple[tuple[str, ...], str]:
    """(medicine ids, label) for one MedicationRequest: one id, several for a combination
    product ("Percocet"), none when it cannot be identified."""
    concept = order.medicationCodeableConcept
    if concept is None:
        return (), "a medication given by reference (medicationReference is not supported)"
    index = _rxcui_index(engine)
    labels = []
    for coding in concept.coding or []:
        if coding.system == RXNORM and coding.code and str(coding.code) in index:
            return (index[str(coding.code)],), coding.display or concept.text or str(coding.code)
        if coding.display:
            labels.append(coding.display)
    for label in ([concept.text] if concept.text else []) + labels:
        try:
            resolved, unresolved = engine.resolver.resolve_one(label)
        except Exception:  # an absurd label is reported as not recognised below
            continue
        if resolved and not unresolved:
            return tuple(dict.fromkeys(r.id for r in resolved)), label
    if concept.text or labels:
        return (), concept.text or labels[0]
    codes = [c for c in concept.coding or [] if c.code]
    if codes:
        system = {RXNORM: "RxNorm"}.get(codes[0].system or "", codes[0].system or "an unknown system")
        return (), (f"order {order.id or '(no id)'}: {system} code {codes[0].code}, sent without a name; rxcombo knows "
                    "RxNorm ingredient codes of its medicines and reads names, and cannot identify this code")
    return (), f"order {order.id or '(no id)'}: a medication with neither a name nor a code"


MAX_CARDS = 10
_ORDER = {"critical": 0, "warning": 1, "info": 2}


def _pair_card(findings: list[Finding], drafts: dict[str, str], hook_instance: str) -> dict[str, Any]:
    """One card for a pair of medicines, its findings worst first: the worst leads; the others are
    listed in its detail."""
    card = _card(findings[0], drafts, hook_instance)
    if len(findings) > 1:
        others = "\n".join(f"- **{f.severity.capitalize()}: {f.title}.** {f.mechanism} (`{f.rule}`)" for f in findings[1:])
        card["detail"] += f"\n\n**Also for these medicines:**\n{others}"
    return card


def _capped(cards: list[dict[str, Any]], hook_instance: str) -> list[dict[str, Any]]:
    """Critical first; at most MAX_CARDS, the last saying how many more there are."""
    cards = sorted(cards, key=lambda c: _ORDER[c["indicator"]])
    if len(cards) <= MAX_CARDS:
        return cards
    rest = cards[MAX_CARDS - 1:]
    summary = f"...and {len(rest)} more interaction findings"
    more = {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{hook_instance}|more|{len(rest)}")),
        "summary": summary,
        "indicator": "warning" if any(c["indicator"] != "info" for c in rest) else "info",
        "detail": "Not shown as separate cards:\n\n" + "\n".join(f"- {c['summary']}" for c in rest),
        "source": {"label": "rxcombo knowledge base"},
    }
    return cards[:MAX_CARDS - 1] + [more]


def _card(f: Finding, drafts: dict[str, str], hook_instance: str) -> dict[str, Any]:
    names = " + ".join(f.names)
    summary = f"{f.severity.capitalize()}: {f.title} ({names})"
    if len(summary) >= 140:
        summary = summary[:136].rstrip() + "..."
    detail = "\n\n".join(filter(None, [
        f"**Effect:** {f.effect}",
        f"**Mechanism:** {f.mechanism}",
        f"**What to do:** {f.management}",
        f"**Monitor:** {f.monitor}" if f.monitor else "",
        f"**Produced by:** `{f.rule}` ({'; '.join(f.basis)})",
        "**Sources:** " + "; ".join(s.label() for s in f.sources),
    ]))
    card: dict[str, Any] = {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{hook_instance}|{f.rule}|{'|'.join(f.drugs)}")),
        "summary": summary,
        "indicator": INDICATOR[f.severity],
        "detail": detail,
        "source": {"label": f"rxcombo knowledge base ({f.rule})", "topic": {"code": f.rule, "display": f.title}},
        "overrideReasons": OVERRIDE_REASONS,
    }
    if f.severity in ("contraindicated", "major"):
        removable = [(drafts[d], d) for d in f.drugs if drafts.get(d)]  # an order without an id cannot be named
        if removable:
            card["suggestions"] = [
                {"label": f"Remove the draft order for {dict(zip(f.drugs, f.names))[d]}",
                 "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{card['uuid']}|remove|{d}")),
                 "actions": [{"type": "delete", "description": "Remove this draft order", "resourceId": [f"MedicationRequest/{rid}"]}]}
                for rid, d in removable
            ]
            card["selectionBehavior"] = "at-most-one"
    return card


def _info_card(label: str, hook_instance: str) -> dict[str, Any]:
    summary = f"Not checked: {label}"
    if len(summary) >= 140:
        summary = "Not checked: an order rxcombo could not identify"
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{hook_instance}|unresolved|{label}")),
        "summary": summary,
        "indicator": "info",
        "detail": f"rxcombo could not identify **{label}**, so its interactions were NOT checked.",
        "source": {"label": "rxcombo knowledge base"},
    }


def _service(service_id: str, body: HookRequest, request: Request) -> Any:
    engine: Engine = request.app.state.engine
    hook, _title = SERVICES[service_id]
    if body.hook != hook:
        return problem(400, f"this service answers the {hook} hook, not {body.hook!r}", request.url.path)
    if body.prefetch is None or body.prefetch.get("medications") is None:
        return problem(412, "prefetch 'medications' (the patient's active MedicationRequests) is required; this service does not query the FHIR server", request.url.path)
    try:
        drafts = _bundle_orders(body.context.get("draftOrders"), "context.draftOrders")
        active = _bundle_orders(body.prefetch.get("medications"), "prefetch.medications")
    except (ValidationError, ValueError) as exc:
        return problem(400, f"invalid FHIR: {str(exc).splitlines()[0]}", request.url.path)
    if not drafts:
        return problem(400, "context.draftOrders must be a Bundle with at least one MedicationRequest", request.url.path)
    if hook == "order-select":
        selections = body.context.get("selections") or []
        if not isinstance(selections, list) or not all(isinstance(x, str) for x in selections):
            return problem(400, "context.selections must be a list of references such as 'MedicationRequest/123'", request.url.path)
        selected = set(selections)
        if selected:
            drafts = [o for o in drafts if f"MedicationRequest/{o.id}" in selected] or drafts
    cards: list[dict[str, Any]] = []
    info: list[dict[str, Any]] = []
    draft_ids: dict[str, str] = {}
    ids: list[str] = []
    entries: list[tuple[str, tuple[str, ...]]] = []
    seen_orders: set[str] = set()
    for order in drafts + active:
        if order.id:
            if order.id in seen_orders:  # the same order sent twice (e.g. repeated in prefetch)
                continue
            seen_orders.add(order.id)
        mids, label = _identify(order, engine)
        if not mids:
            info.append(_info_card(label, body.hookInstance))
            continue
        entries.append((f"{label} ({'draft order' if order in drafts else 'active medication'})", mids))
        for mid in mids:
            if order in drafts:
                draft_ids.setdefault(mid, order.id or "")
            if mid not in ids:
                ids.append(mid)
    result = engine.check_ids(ids, Resolution(ids=tuple(ids), entries=tuple(entries)))
    # A draft order that repeats an ingredient the patient already takes comes first.
    for f in result.same_ingredient:
        if any(d in draft_ids for d in f.drugs):
            cards.append(_card(f, draft_ids, body.hookInstance))
    # one card per pair of medicines (and per group of a whole-list finding), as on the web page
    for findings in (result.interactions, result.cumulative):
        for group in group_by_pair(findings):
            if any(d in draft_ids for d in group.drugs):
                cards.append(_pair_card([findings[i] for i in group.findings], draft_ids, body.hookInstance))
    cards = _capped(cards, body.hookInstance)
    draft_names = {engine.catalog.medicine_names[d] for d in draft_ids}
    gaps = [n for n in result.not_assessed
            if n.id in draft_ids or any(draft_names & set(partners) for _, partners in n.properties)]
    if gaps:
        info.append(_not_assessed_card(gaps, body.hookInstance))
    return {"cards": cards + info}


def _not_assessed_card(gaps: list[NotAssessed], hook_instance: str) -> dict[str, Any]:
    """One info card listing, per medicine, the properties the knowledge base does not record."""
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{hook_instance}|not-assessed|{'|'.join(n.id for n in gaps)}")),
        "summary": "Some effects could not be assessed (properties not recorded)",
        "indicator": "info",
        "detail": "rxcombo's knowledge base does not record these properties, so the effects below were "
                  "**not assessed** (no card does not mean no interaction):\n\n" + "\n".join(f"- {n.text}" for n in gaps),
        "source": {"label": "rxcombo knowledge base (not assessed)"},
    }


@router.post("/cds-services/rxcombo-order-select")
def order_select(body: HookRequest, request: Request) -> Any:
    """CDS Hooks order-select."""
    return _service("rxcombo-order-select", body, request)


@router.post("/cds-services/rxcombo-order-sign")
def order_sign(body: HookRequest, request: Request) -> Any:
    """CDS Hooks order-sign."""
    return _service("rxcombo-order-sign", body, request)


class Feedback(BaseModel):
    model_config = ConfigDict(extra="allow")

    feedback: list[dict[str, Any]] = Field(max_length=100)


@router.post("/cds-services/{service_id}/feedback")
def feedback(service_id: str, body: Feedback, request: Request) -> Any:
    """Card feedback from the EHR (accepted and logged)."""
    if service_id not in SERVICES:
        return problem(404, f"no CDS service {service_id!r}", request.url.path)
    for item in body.feedback:
        log.info("cds feedback %s: card=%s outcome=%s", service_id, item.get("card"), item.get("outcome"))
    return {}


def detected_issue_bundle(result: CheckResult) -> dict[str, Any]:
    """Findings as a FHIR Bundle of DetectedIssue resources, validated with fhir.resources."""
    from fhir.resources.R4B.bundle import Bundle

    entries = []
    for f in list(result.interactions) + list(result.cumulative):
        issue = {
            "resourceType": "DetectedIssue",
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{f.rule}|{'|'.join(f.drugs)}")),
            "status": "final",
            "severity": FHIR_SEVERITY[f.severity],
            "code": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "DRG", "display": "Drug Interaction Alert"}],
                     "text": f.title},
            "detail": f"{f.summary} What to do: {f.management}",
            "reference": f"https://rxcombo.invalid/rules/{f.rule}",
            "implicated": [{"display": name} for name in f.names],
            "mitigation": [{"action": {"text": f.management}}],
        }
        entries.append({"resource": issue})
    bundle = Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": entries})
    return bundle.model_dump(mode="json", exclude_none=True)
