"""Check digits of the identifiers the books carry: tax numbers, personal numbers, EAN codes.

Pure functions of the digits before the check digit. Where a rule leaves some bodies without a
valid check digit (the number is never issued), the function says None and the caller draws again.
"""

from __future__ import annotations


def si_tax_number_check(body: str) -> int | None:
    """Check digit of a Slovenian tax number (davčna številka) for its first 7 digits.

    Weights 8..2, check = 11 - sum mod 11. Sums that would give 10 or 11 are never issued, so
    they get None and the caller draws another number.
    """
    check = (
        11
        - sum(int(digit) * weight for digit, weight in zip(body, range(8, 1, -1), strict=True)) % 11
    )
    return check if check <= 9 else None


def iso7064_mod_11_10(body: str) -> int:
    """ISO 7064 MOD 11,10 check digit: Croatian OIB and Serbian PIB."""
    product = 10
    for digit in body:
        total = (int(digit) + product) % 10 or 10
        product = total * 2 % 11
    return (11 - product) % 10


def emso_check(body: str) -> int | None:
    """Check digit of a Slovenian EMŠO / Serbian JMBG (12 digits given); None if unissued."""
    weights = (7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    check = 11 - sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True)) % 11
    if check == 10:
        return None
    return 0 if check == 11 else check


def ean13_check(body: str) -> int:
    """EAN-13 check digit for 12 digits: weights 1, 3, 1, 3, ... from the left."""
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return (10 - total % 10) % 10
