"""The record schemas of the source-system extracts, one per kind.

Every kind names its source system, the column that places a record in a
reporting period, the column that identifies a record, and its fields.
A field has a type, says whether it may be empty, and may restrict its
values (a list of choices, a minimum). ``docs/extracts.md`` describes the
same schemas for the people who produce the files; a test keeps the two
in step.

Times are local wall-clock times of the body's building, without a time
zone, as pass systems and EDMS record them; dates are calendar dates.
Amounts are tenge with two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "decimal": pa.decimal128(18, 2),
}
SQL_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE",
             "timestamp": "TIMESTAMP", "decimal": "DECIMAL(18,2)"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    default: object = None          # used when an optional column is absent from the file

    @property
    def arrow_type(self) -> pa.DataType:
        return TYPES[self.type]


@dataclass(frozen=True)
class Kind:
    name: str
    title: dict[str, str]
    source: str
    paragraphs: str
    key: str | None                 # the column unique per record, if the system has one
    period: str                     # the column that places a record in a period
    fields: tuple[Field, ...] = field(default_factory=tuple)
    checks: tuple[tuple[str, str], ...] = ()     # (SQL condition that must hold, message)

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(f.name, f.arrow_type) for f in self.fields])

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _body() -> Field:
    return Field("body_code", "string", "Code of the evaluated body in the registry (`bagalau bodies`).")


SERVICE_REQUESTS = Kind(
    name="service_requests",
    title={"ru": "Заявки на оказание государственных услуг (ИС «Мониторинг»)",
           "en": "Public-service requests (IS \"Monitoring\")"},
    source="IS «Мониторинг» of the Ministry (2017 ¶35: violations sent to the Agency by 15 February)",
    paragraphs="2017 ¶33–40",
    key="request_id",
    period="rendered_on",
    fields=(
        Field("request_id", "string", "Identifier of the request in the source system."),
        _body(),
        Field("service_code", "string", "Code of the service type in the Register of public services."),
        Field("standard_term_working_days", "integer",
              "Term of the service under its standard, in working days (¶37 leaves out one-day services).",
              minimum=0),
        Field("registered_on", "date", "Day the request was received."),
        Field("due_on", "date", "Last day of the standard term."),
        Field("rendered_on", "date", "Day the result (or a reasoned refusal) was issued."),
        Field("electronic", "boolean", "Rendered electronically (through the e-government portal).",
              required=False, default=False),
        Field("failure_excused", "boolean",
              "Late because of an IS failure confirmed by a document of the authorised body for informatisation "
              "(¶36).", required=False, default=False),
        Field("entered_late", "boolean",
              "The late service was entered into IS «Мониторинг» late (¶40).", required=False, default=False),
    ),
    checks=(("due_on >= registered_on", "due_on is before registered_on"),
            ("rendered_on >= registered_on", "rendered_on is before registered_on")),
)

EDMS_DOCUMENTS = Kind(
    name="edms_documents",
    title={"ru": "Документы ЕСЭДО/СЭД", "en": "EDMS documents (ЕСЭДО/СЭД)"},
    source="Unified EDMS (ЕСЭДО) and the departmental EDMS (СЭД) statistics (2012 §7, §29)",
    paragraphs="2012 §28–48, §101",
    key="document_id",
    period="dated_on",
    fields=(
        Field("document_id", "string", "Registration number of the document in the EDMS."),
        _body(),
        Field("category", "string",
              "outgoing_interagency: sent to another state body; outgoing_internal: sent to a structural "
              "subdivision of the same body; incoming: received from another body or a subdivision; "
              "e_appeal: an appeal of a person received from the e-government portal.",
              choices=("outgoing_interagency", "outgoing_internal", "incoming", "e_appeal")),
        Field("dated_on", "date", "Day of registration in the EDMS (§29: statistics for the calendar year)."),
        Field("in_scope", "boolean",
              "In the approved list of documents and the file nomenclature, retention up to 5 years, "
              "not «для служебного пользования» (§30–35).", required=False, default=False),
        Field("recipient_in_edms", "boolean", "Outgoing to a state body that participates in the EDMS.",
              required=False, default=False),
        Field("electronic_only", "boolean", "Sent in electronic form only, without a paper duplicate.",
              required=False, default=False),
        Field("electronic", "boolean", "Received as an electronic document (incoming, e_appeal).",
              required=False, default=False),
        Field("received_at", "timestamp", "Moment of receipt (incoming, e_appeal).", required=False),
        Field("registered_at", "timestamp", "Moment of registration; empty when not registered.", required=False),
        Field("approved_electronically", "boolean",
              "The signed draft was approved electronically inside the body (§42–44).",
              required=False, default=False),
        Field("executed", "boolean", "Executed in ЕСЭДО/СЭД.", required=False, default=False),
        Field("archive_prepared", "boolean", "Prepared in ЕСЭДО/СЭД for transfer to the archive (§45–48).",
              required=False, default=False),
    ),
    checks=(("category NOT IN ('incoming', 'e_appeal') OR received_at IS NOT NULL",
             "received_at is empty for an incoming document or an e-appeal"),
            ("registered_at IS NULL OR received_at IS NULL OR registered_at >= received_at",
             "registered_at is before received_at")),
)

PASS_EVENTS = Kind(
    name="pass_events",
    title={"ru": "События автоматизированной электронной пропускной системы",
           "en": "Electronic pass-system events"},
    source="Automated electronic pass (access-control) system; sent monthly to the Agency (2023 п. 40)",
    paragraphs="2023 п. 40",
    key=None,
    period="event_time",
    fields=(
        _body(),
        Field("person_id", "string", "Pass holder (a civil servant of the body's apparatus)."),
        Field("event_time", "timestamp", "Local time the pass was read at the building's turnstile."),
        Field("direction", "string", "in: entering the building; out: leaving it.", choices=("in", "out")),
        Field("employer_order", "boolean",
              "The person works this day under an act of the employer (overtime ordered under labour law): "
              "weekend and holiday hours of that day are not counted (п. 40(2)).",
              required=False, default=False),
    ),
)

COMPLAINTS = Kind(
    name="complaints",
    title={"ru": "Жалобы и заявления (АИС «Единый учет обращений»)",
           "en": "Complaints and applications (AIS \"Unified register of appeals\")"},
    source="AIS «Единый учет обращений лиц», form 1-ОЛ (2017 ¶102–112)",
    paragraphs="2017 ¶107–112",
    key="complaint_id",
    period="considered_on",
    fields=(
        Field("complaint_id", "string", "Registration number of the complaint or application."),
        _body(),
        Field("received_on", "date", "Day of receipt."),
        Field("due_on", "date", "Last day of the term of consideration."),
        Field("considered_on", "date", "Day the answer was given."),
        Field("outcome", "string", "satisfied, explained (разъяснено) or refused.",
              choices=("satisfied", "explained", "refused")),
        Field("court_upheld", "boolean", "Found justified by a court decision in force (¶110).",
              required=False, default=False),
        Field("higher_body_satisfied", "boolean", "Satisfied by a higher body (¶110).",
              required=False, default=False),
    ),
    checks=(("due_on >= received_on", "due_on is before received_on"),
            ("considered_on >= received_on", "considered_on is before received_on")),
)

PROCUREMENT_CONTRACTS = Kind(
    name="procurement_contracts",
    title={"ru": "Договоры государственных закупок", "en": "Public-procurement contracts"},
    source="AIS «Электронные государственные закупки» and the treasury register of contracts (2012 §56)",
    paragraphs="2012 §53–56",
    key="contract_id",
    period="signed_on",
    fields=(
        Field("contract_id", "string", "Number of the contract."),
        _body(),
        Field("signed_on", "date", "Day the contract was concluded."),
        Field("amount", "decimal", "Value of the contract, tenge.", minimum=0),
        Field("electronic", "boolean", "Concluded through electronic public procurement."),
    ),
)

LICENCES = Kind(
    name="licences",
    title={"ru": "Выданные лицензии", "en": "Licences issued"},
    source="IS «Государственная база данных «Е-лицензирование»» and the licensor's register (2012 §55–56)",
    paragraphs="2012 §53–56",
    key="licence_id",
    period="issued_on",
    fields=(
        Field("licence_id", "string", "Number of the licence."),
        _body(),
        Field("issued_on", "date", "Day the licence was issued."),
        Field("formed_in_is", "boolean", "The licence was formed in the e-licensing IS."),
    ),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    SERVICE_REQUESTS, EDMS_DOCUMENTS, PASS_EVENTS, COMPLAINTS, PROCUREMENT_CONTRACTS, LICENCES)}


def kind_named(name: str) -> Kind:
    if name not in KINDS:
        raise KeyError(f"unknown extract kind '{name}'; known: {', '.join(KINDS)}")
    return KINDS[name]
