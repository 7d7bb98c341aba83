"""Companies: a deed's owner joins the one registered company of its full legal name;
two register entries never merge; another legal form is another company."""

from __future__ import annotations

import pytest

from nohaven.resolve.pipeline import DEFAULT_THRESHOLD
from nohaven.store import Store


def _company(entity_id: str, name: str, number: str | None = None, **more: str) -> dict:
    properties = {"name": [name]} | {prop: [value] for prop, value in more.items()}
    if number:
        properties |= {"registrationNumber": [number], "jurisdiction": ["hk"]}
    return {"id": entity_id, "schema": "Company", "properties": properties}


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory, resolve_entities) -> Store:
    register = [
        _company("hk-1", "Heng Tai Harvest Investment (Hong Kong) Limited", "0854401"),
        _company("hk-2", "Heng Tai Harvest Investment Limited", "0854402"),
        _company("hk-3", "Golden Lotus Enterprises Limited", "1111111"),
        _company("hk-4", "Golden Lotus Enterprises Limited", "2222222"),
        _company("hk-5", "Phoenix Crane Trading Limited", "3333333"),
        _company("hk-6", "Jade Dragon Logistics Limited", "4444444"),
        _company("cn-7", "深圳富华实业有限责任公司", "914403001922"),
        _company("cn-8", "厦门安泰商贸有限公司", "913502001234"),
        _company("sg-9", "Kowloon Pearl Holdings Pte. Ltd.", "201912345K"),
        _company("hk-10", "Silver Harbour Shipping Limited", "5555555"),
        # Registered in two places, each with an internal sequence number of one kind.
        _company("hk-11", "Ocean Jade Trading Limited", "6666666", idNumber="12"),
        _company("tax-11", "OCEAN JADE TRADING LTD", taxNumber="TX7788990", idNumber="34"),
        # Two companies registered at one Moscow tax office under one sanctions programme.
        _company(
            "ru-12", 'ООО "СПС"', innCode="9715374145", kppCode="772701001", programId="UA-SA1644"
        ),
        _company(
            "ru-13",
            'ООО "ТрансКомплектХолдинг"',
            innCode="7704484400",
            kppCode="772701001",
            programId="UA-SA1644",
        ),
        # A list that gave two companies one OGRN by mistake, and one company under its
        # Russian and its English name.
        _company("ru-14", 'АО "Красное знамя"', ogrnCode="1023301456789"),
        _company("ru-15", 'АО "МАК Вымпел"', ogrnCode="1023301456789"),
        _company("ru-16", 'АО "Красное знамя"', ogrnCode="1027700000001"),
        _company("en-16", 'JSC "Krasnoe Znamya"', ogrnCode="1027700000001"),
    ]
    deeds = [
        _company("deed-1", "HENG TAI HARVEST INVESTMENT (HONG KONG) LTD."),
        _company("deed-2", "GOLDEN LOTUS ENTERPRISES LTD"),
        _company("deed-3", "PHOENIX CRANE TRADING LLC"),
        _company("deed-4", "JADE DRAGON LOGISTICS LTD."),
        _company("deed-5", "Jade Dragon Logistics Limited"),
        _company("deed-6", "深圳富華實業有限責任公司"),
        _company("deed-7", "SHENZHEN FUHUA INDUSTRIAL CO., LTD."),
        _company("deed-8", "厦门安泰贸易有限公司"),  # 贸易, not 商贸: another name
        _company("deed-9", "KOWLOON PEARL HOLDINGS PRIVATE LIMITED"),
        _company("deed-10", "SILVER HARBOUR SHIPPING"),
    ]
    return resolve_entities(
        tmp_path_factory.mktemp("companies"), {"register": register, "deeds": deeds}
    )


@pytest.mark.parametrize(
    ("registered", "record"),
    [
        ("hk-1", "deed-1"),  # "(HONG KONG) LTD." against "(Hong Kong) Limited"
        ("cn-7", "deed-6"),  # traditional characters against the simplified entry
        ("sg-9", "deed-9"),  # "PRIVATE LIMITED" against "Pte. Ltd."
    ],
)
def test_a_record_joins_the_one_registered_company_of_its_full_legal_name(
    resolved: Store, scored_pair, canonical_ids, registered: str, record: str
) -> None:
    probability, evidence = scored_pair(resolved, registered, record)
    assert probability >= DEFAULT_THRESHOLD
    assert evidence == "name: same legal name, no other bearer; one registered"
    assert canonical_ids(resolved)[record] == canonical_ids(resolved)[registered]


@pytest.mark.parametrize(
    ("registered", "record", "evidence"),
    [
        ("cn-7", "deed-7", "name: same name read across scripts"),
        ("hk-10", "deed-10", "name: same name, a legal form unstated"),
        ("hk-3", "deed-2", "name: same legal name"),  # hk-4 bears that name too
    ],
)
def test_leads_for_review_are_not_merges(
    resolved: Store, scored_pair, canonical_ids, registered: str, record: str, evidence: str
) -> None:
    probability, found = scored_pair(resolved, registered, record)
    assert found == evidence
    assert 0 < probability < DEFAULT_THRESHOLD
    assert canonical_ids(resolved)[record] != canonical_ids(resolved)[registered]


def test_names_that_differ_do_not_pair(resolved: Store, scored_pair, canonical_ids) -> None:
    # Two names in Han characters that differ are two names, however alike they read.
    assert scored_pair(resolved, "cn-8", "deed-8") == (0.0, "")
    # "Heng Tai Harvest Investment Limited" is not the "(Hong Kong)" one.
    assert canonical_ids(resolved)["hk-1"] != canonical_ids(resolved)["hk-2"]


def test_two_register_entries_of_one_name_are_two_companies(
    resolved: Store, scored_pair, canonical_ids
) -> None:
    assert scored_pair(resolved, "hk-3", "hk-4") == (0.0, "")
    assert canonical_ids(resolved)["hk-3"] != canonical_ids(resolved)["hk-4"]
    # The deed bearing their name could be either: a lead to each, as strong as the
    # same name is (a name stating no legal form scores that too).
    lead = scored_pair(resolved, "hk-4", "deed-2")
    assert lead == scored_pair(resolved, "hk-3", "deed-2")
    assert lead[0] < DEFAULT_THRESHOLD and lead[1] == "name: same legal name"
    assert scored_pair(resolved, "hk-10", "deed-10")[0] == lead[0]


def test_short_internal_numbers_do_not_make_two_register_entries(
    resolved: Store, scored_pair
) -> None:
    # A registration number and a tax number are not two numbers of one kind; the two
    # short "idNumber"s are internal sequence numbers, not a third kind to compare.
    assert scored_pair(resolved, "hk-11", "tax-11")[1] == "name: same legal name"


def test_another_legal_form_is_another_company(resolved: Store, scored_pair, canonical_ids) -> None:
    probability, evidence = scored_pair(resolved, "hk-5", "deed-3")
    assert probability < scored_pair(resolved, "hk-3", "deed-2")[0]
    assert evidence == "name: same name, another legal form"
    assert canonical_ids(resolved)["deed-3"] != canonical_ids(resolved)["hk-5"]


def test_a_name_borne_by_two_unregistered_records_is_not_unique(
    resolved: Store, scored_pair, canonical_ids
) -> None:
    clusters = canonical_ids(resolved)
    assert len({clusters["hk-6"], clusters["deed-4"], clusters["deed-5"]}) == 3
    assert scored_pair(resolved, "hk-6", "deed-4")[0] < DEFAULT_THRESHOLD


def test_a_tax_office_code_or_sanctions_programme_is_not_an_identity(
    resolved: Store, scored_pair, canonical_ids
) -> None:
    assert scored_pair(resolved, "ru-12", "ru-13") == (0.0, "")
    assert canonical_ids(resolved)["ru-12"] != canonical_ids(resolved)["ru-13"]


def test_a_shared_number_under_names_with_nothing_in_common_is_a_lead_not_a_merge(
    resolved: Store, scored_pair, canonical_ids
) -> None:
    probability, evidence = scored_pair(resolved, "ru-14", "ru-15")
    assert probability < DEFAULT_THRESHOLD and "name: nothing in common" in evidence
    assert canonical_ids(resolved)["ru-14"] != canonical_ids(resolved)["ru-15"]
    probability, evidence = scored_pair(resolved, "en-16", "ru-16")
    assert probability >= DEFAULT_THRESHOLD and evidence == "identifiers: shared"
