"""What the vendor's Swagger says about numbers: which fields hold amounts with a fraction.

Every field typed `number` (double) in the vendor's definitions. In CSV and Parquet these are
written as exact decimals, whole or not, so that 12.34 stays 12.34 and a column never changes
type between pages. (tests/exports checks this list against the vendor digest.)
"""

from __future__ import annotations

NUMBER_FIELDS = frozenset(
    {
        "Amount", "AmountInDomesticCurrency", "AveragePurchasePrice", "Credit",
        "CreditInDomesticCurrency", "Debit", "DebitInDomesticCurrency", "Discount",
        "DiscountPercent", "ExchangeRate", "Expense", "InvoiceAmount",
        "InvoiceAmountDomesticCurrency", "InvoiceValue", "MarginPercent", "Mass", "MassPerUnit",
        "MidRate", "NonDeductibleVat", "NonDeductibleVatBase", "PaidValue", "Percent",
        "PercentOfDirectCostsOfPurchase", "Price", "PriceWithVAT", "PriceWithoutVAT",
        "PurchaseValue", "Quantity", "Rabate", "RebatePercent", "Revenue", "SalesValue",
        "SalesValueVAT", "SalesValueWithVAT", "SellingPrice", "ServicesNonDeductibleVat",
        "ServicesNonDeductibleVatBase", "ServicesVat", "ServicesVatBase", "TaxAmount",
        "TaxAmountInDomesticCurrency", "TaxBase", "TaxBaseInDomesticCurrency",
        "TaxExemptionValue", "TaxFreeValue", "TaxPercentage", "VAT", "VATPercent", "Value",
        "ValueOfMaterialAndGoods", "ValueOfReceipt", "ValueOfRelatedCosts", "Vat", "VatBase",
        "VatBaseInDomesticCurrency",
    }
)  # fmt: skip
