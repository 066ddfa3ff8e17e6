"""An accepted application as the CEIDG-1 data set for hand-over to the registry (layout: docs/BACKOFFICE.md).

Field names follow the rubrics of the official CEIDG-1 form ("Dane wnioskodawcy", "Adres
zamieszkania", "Firma przedsiębiorcy", "Przewidywana data rozpoczęcia działalności", "Rodzaje
działalności gospodarczej według PKD", "Adres stałego miejsca wykonywania działalności",
"Forma opodatkowania", "Dane kontaktowe", ZUS), written without diacritics in camelCase.
"""

from __future__ import annotations

from typing import Any, Dict

from services.storage.models import Application, ApplicationStatus

LAYOUT_VERSION = "vo-ceidg1-json/1"
TAX_FORMS = {"scale": "zasady_ogolne_skala", "flat": "podatek_liniowy", "lump_sum": "ryczalt_ewidencjonowany"}
ZUS_OPTIONS = {"start_relief": "ulga_na_start", "preferential": "skladki_preferencyjne", "full": "skladki_pelne"}


class NotExportable(ValueError):
    """Only accepted, not anonymised applications are handed over."""


def _address(application: Application, prefix: str) -> Dict[str, Any]:
    return {
        "ulica": getattr(application, f"{prefix}_street"),
        "nrDomuLokalu": getattr(application, f"{prefix}_number"),
        "kodPocztowy": getattr(application, f"{prefix}_postal_code"),
        "miejscowosc": getattr(application, f"{prefix}_city"),
        "kraj": "PL",
    }


def _optional(value: str | None) -> str | None:
    return None if value in (None, "", "none") else value


def ceidg1(application: Application) -> Dict[str, Any]:
    if application.status is not ApplicationStatus.ACCEPTED:
        raise NotExportable(f"application {application.reference} is {application.status.value}, not accepted")
    if application.anonymised_at is not None:
        raise NotExportable(f"application {application.reference} was anonymised")
    accepted = next(c for c in reversed(application.status_changes) if c.to_status is ApplicationStatus.ACCEPTED)
    nip, regon = _optional(application.nip), _optional(application.regon)
    return {
        "format": LAYOUT_VERSION,
        "rodzajWniosku": "wpis",
        "numerReferencyjny": application.reference,
        "dataZlozenia": application.created_at.date().isoformat(),
        "dataPrzyjecia": accepted.changed_at.date().isoformat(),
        "przyjetyPrzez": accepted.changed_by,
        "daneWnioskodawcy": {
            "nazwisko": application.last_name,
            "imie": application.first_name,
            "pesel": application.pesel,
            "nip": nip,
            "brakNip": nip is None,
            "regon": regon,
            "brakRegon": regon is None,
        },
        "adresZamieszkania": _address(application, "residence"),
        "daneKontaktowe": {"telefon": application.phone, "email": application.email},
        "firmaPrzedsiebiorcy": application.business_name,
        "przewidywanaDataRozpoczeciaDzialalnosci": application.start_date.isoformat(),
        "rodzajeDzialalnosciPKD": {
            "klasyfikacja": "PKD2007",
            "przewazajacy": application.pkd_main,
            "pozostale": list(application.pkd_extra),
        },
        "adresStalegoMiejscaWykonywaniaDzialalnosci": {
            **_address(application, "business"),
            "takiSamJakAdresZamieszkania": bool(application.business_same_as_residence),
        },
        "formaOpodatkowania": TAX_FORMS[application.tax_form.value],
        "zus": {"zgloszenie": ZUS_OPTIONS[application.zus_option.value]},
        "jezykKorespondencji": application.language,
    }
