"""Guidance for every validation code the SalesOrders v3 service lists
(``components.x-visma-erp-error-codes`` in its OpenAPI document, 83 codes in 1.0.14).

Each code has: ``short``, the few words shown beside the field or line it names ("Line 2, item:
not found in the ERP"); ``meaning``; who must act; what to do; and, where the customer must change
something in Visma.net, ``ask`` (what to ask them) and the screen. The spec gives one line per code;
the rest is our reading of it. ``tests/errorguide`` holds this table to the spec: a code the spec
adds and this table lacks fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import screens as s
from .owners import Owner
from .screens import Screen

ISV = Owner.ISV
ADMIN = Owner.CUSTOMER_ADMIN
VISMA = Owner.VISMA


@dataclass(frozen=True, slots=True)
class CodeGuide:
    code: str
    short: str
    meaning: str
    owner: Owner
    action: str
    screens: tuple[Screen, ...] = ()
    ask: str | None = None


def _code(
    code: str,
    short: str,
    meaning: str,
    owner: Owner,
    action: str,
    screens: tuple[Screen, ...] = (),
    ask: str | None = None,
) -> CodeGuide:
    return CodeGuide(code, short, meaning, owner, action, screens, ask)


_FIX_VALUE = "Correct the value in the form and send again."
_SHIPPED = (
    "Lines that have been shipped can no longer be changed this way. Leave this line as it is, "
    "or ask the customer how they want the shipped goods handled."
)

V3_CODES: dict[str, CodeGuide] = {
    guide.code: guide
    for guide in (
        # --- the shape of a value ---------------------------------------------------------------
        _code("0001-NullNotAllowed", "required", "A required value was missing.", ISV, _FIX_VALUE),
        _code("0001-EmptyNotAllowed", "must not be empty", "A value was empty.", ISV, _FIX_VALUE),
        _code(
            "0002-InvalidLength",
            "too long or too short",
            "A value is longer (or shorter) than the ERP allows.",
            ISV,
            "Shorten the value to the length the field allows and send again.",
        ),
        _code(
            "0003-InvalidValue",
            "not a valid value",
            "The ERP does not accept this value here.",
            ISV,
            _FIX_VALUE,
        ),
        _code(
            "0004-ValueNotAllowed",
            "not allowed here",
            "This value is not allowed in this field for this order. An own order number on an "
            "order type that numbers itself is refused this way.",
            ISV,
            "Remove the value, or choose an order type that allows it, and send again.",
        ),
        _code(
            "0005-InvalidState",
            "not possible in the order's current state",
            "The order or line is in a state where this change is not possible.",
            ISV,
            "Open the order in the ERP to see its status, then decide whether to change it there.",
            (s.SALES_ORDERS,),
        ),
        _code(
            "0100-OutsideValidRange",
            "outside the allowed range",
            "A number is outside the range the ERP allows (for example a discount percent "
            "beyond -100 to 100).",
            ISV,
            _FIX_VALUE,
        ),
        _code(
            "0200-LineIdDoesNotExist",
            "no such line on the order",
            "A line id named in the request does not exist on the order.",
            ISV,
            "Reload the order to see its current lines, then try again.",
        ),
        # --- discounts --------------------------------------------------------------------------
        _code(
            "1100-InvalidDiscount",
            "discount larger than the line total",
            "A document or group discount would exceed the line total.",
            ISV,
            "Lower the discount and send again.",
        ),
        _code(
            "1101-DiscountAmountMoreThanExtPrice",
            "discount larger than the line amount",
            "The discount amount is greater than the line's extended price.",
            ISV,
            "Lower the discount amount, or raise the quantity or price, and send again.",
        ),
        _code(
            "1102-DiscountSetupInvalid",
            "discount set-up in the ERP is not valid",
            "The company's discount set-up cannot be used to calculate this order's discounts.",
            ADMIN,
            "Ask the customer to check the discount set-up used for this customer and item.",
            (s.DISCOUNTS,),
            "check the discount set-up for this customer and item",
        ),
        _code(
            "1103-DiscountNotApplicable",
            "discount cannot be applied to this line",
            "The discount cannot be applied to this line.",
            ISV,
            "Remove the discount from the line and send again.",
        ),
        _code(
            "1104-FreeItemNotFound",
            "free item of the discount not found",
            "The free item named by a header discount does not exist in the ERP.",
            ADMIN,
            "Ask the customer to fix the discount's free item.",
            (s.DISCOUNTS,),
            "check the free item of the discount used on this order",
        ),
        _code(
            "1105-InvalidDiscountCode",
            "unknown discount code",
            "The discount code is missing in the ERP or not valid.",
            ISV,
            "Check the discount code; leave it empty to let the ERP choose the discount.",
            (s.DISCOUNTS,),
        ),
        # --- subaccounts ------------------------------------------------------------------------
        _code(
            "1200-SubaccountSegmentInactive",
            "subaccount segment value inactive",
            "A segment value of the subaccount is inactive.",
            ADMIN,
            "Use another segment value, or ask the customer to activate it.",
            (s.SUBACCOUNTS,),
            "activate the subaccount segment value used on this order, or tell us which to use",
        ),
        _code(
            "1201-SubaccountInactive",
            "subaccount inactive",
            "The subaccount is not active.",
            ADMIN,
            "Use another subaccount, or ask the customer to activate it.",
            (s.SUBACCOUNTS,),
            "activate the subaccount used on this order, or tell us which to use",
        ),
        _code(
            "1202-SegmentValueNotFound",
            "subaccount segment value not found",
            "A segment value of the subaccount does not exist.",
            ISV,
            "Check the subaccount's segment values and send again.",
            (s.SUBACCOUNTS,),
        ),
        _code(
            "1203-SubaccountNotFound",
            "subaccount not found",
            "No subaccount matches the segment values given.",
            ISV,
            "Check the subaccount and send again.",
            (s.SUBACCOUNTS,),
        ),
        _code(
            "1204-SubaccountError",
            "subaccount not valid",
            "The subaccount did not pass the ERP's checks.",
            ISV,
            "Check the subaccount and its segments and send again.",
            (s.SUBACCOUNTS,),
        ),
        # --- shipping ---------------------------------------------------------------------------
        _code(
            "1300-InvalidShipComplete",
            "shipping rule not allowed",
            "With a required location and no shipping, 'back order allowed' cannot be the "
            "ship-complete rule.",
            ISV,
            "Choose another shipping rule and send again.",
        ),
        _code(
            "1310-FreightCostCanNotBeSetManually",
            "freight cost cannot be set by hand",
            "The order's ship-via code does not allow a manually set freight cost.",
            ISV,
            "Leave the freight cost empty (the ERP calculates it), or use another ship-via code.",
            (s.SHIP_VIA_CODES,),
        ),
        # --- customer and payment ---------------------------------------------------------------
        _code(
            "1400-CustomerLookupException",
            "the ERP failed to look up the customer",
            "The ERP failed while looking up the customer.",
            VISMA,
            "Try again in a few minutes; if it keeps failing, report it to Visma with the "
            "request id.",
        ),
        _code(
            "1401-MissingTermsId",
            "no credit terms",
            "The order has no credit terms: the customer has no default terms and the order "
            "names none.",
            ADMIN,
            "Ask the customer to set default credit terms on the customer card, or name the "
            "terms on the order.",
            (s.CUSTOMERS, s.CREDIT_TERMS),
            "set default credit terms on this customer's card",
        ),
        _code(
            "1402-PaymentMethodIdNotFound",
            "payment method not found",
            "The payment method on the order does not exist.",
            ISV,
            "Choose an existing payment method, or leave it empty to use the customer's.",
            (s.PAYMENT_METHODS,),
        ),
        _code(
            "1403-InactivePaymentMethodId",
            "payment method inactive",
            "The payment method on the order is inactive.",
            ADMIN,
            "Choose another payment method, or ask the customer to activate this one.",
            (s.PAYMENT_METHODS,),
            "activate the payment method used on this order, or tell us which to use",
        ),
        _code(
            "1404-InvalidPaymentMethodId",
            "payment method not usable on sales orders",
            "The payment method cannot be used on sales orders.",
            ISV,
            "Choose a payment method that is set up for sales orders.",
            (s.PAYMENT_METHODS,),
        ),
        _code(
            "1405-PaymentReferenceRequired",
            "payment reference required",
            "The order type requires a payment reference.",
            ISV,
            "Enter a payment reference and send again.",
        ),
        _code(
            "1406-PaymentReferenceProhibited",
            "payment reference not allowed",
            "The order type does not allow a payment reference.",
            ISV,
            "Remove the payment reference and send again.",
        ),
        _code(
            "1407-InvalidCustomerStatus",
            "customer's status does not allow orders",
            "The customer's status does not allow new orders (for example inactive or on hold).",
            ADMIN,
            "Choose an active customer, or ask the customer to change this customer's status.",
            (s.CUSTOMERS,),
            "check the status of this customer in Visma.net ERP (it must be active for orders)",
        ),
        _code(
            "1408-OverrideCurrencyIdProhibited",
            "currency cannot be changed",
            "This customer's currency cannot be overridden on the order.",
            ISV,
            "Leave the currency empty (the customer's currency is used) and send again.",
        ),
        _code(
            "1409-PaymentMethodRequired",
            "payment method required",
            "The order type requires a payment method.",
            ISV,
            "Choose a payment method and send again.",
            (s.PAYMENT_METHODS,),
        ),
        # --- cash accounts ----------------------------------------------------------------------
        _code(
            "1500-CashAccountRequired",
            "cash account required",
            "The order type requires a cash account.",
            ISV,
            "Choose a cash account and send again.",
            (s.CASH_ACCOUNTS,),
        ),
        _code(
            "1501-CashAccountInactive",
            "cash account inactive",
            "The cash account on the order is inactive.",
            ADMIN,
            "Choose another cash account, or ask the customer to activate this one.",
            (s.CASH_ACCOUNTS,),
            "activate the cash account used on this order, or tell us which to use",
        ),
        _code(
            "1502-CashAccountNotFound",
            "cash account not found",
            "The cash account on the order does not exist.",
            ISV,
            "Choose an existing cash account and send again.",
            (s.CASH_ACCOUNTS,),
        ),
        _code(
            "1503-CashAccountInvalidForPaymentMethod",
            "cash account does not fit the payment method",
            "The cash account cannot be used with the order's payment method.",
            ISV,
            "Choose a cash account set up for this payment method.",
            (s.CASH_ACCOUNTS, s.PAYMENT_METHODS),
        ),
        _code(
            "1504-CashAccountInvalidForBranch",
            "cash account not allowed for the branch",
            "The cash account may not be used with the order's branch.",
            ISV,
            "Choose a cash account allowed for this branch, or another branch.",
            (s.CASH_ACCOUNTS,),
        ),
        # --- financial periods ------------------------------------------------------------------
        _code(
            "1600-FinancialPeriodNotFound",
            "no financial period for the invoice date",
            "No financial period matches the invoice date.",
            ADMIN,
            "Change the invoice date, or ask the customer to create the financial periods for "
            "that date.",
            (s.FINANCIAL_PERIODS,),
            "create the financial periods that cover the order's invoice date",
        ),
        _code(
            "1601-FinancialPeriodClosed",
            "financial period closed",
            "The financial period is closed and cannot be used for the order.",
            ADMIN,
            "Choose a date in an open period, or ask the customer whether the period may be "
            "reopened.",
            (s.FINANCIAL_PERIODS,),
            "tell us which open financial period to use, or reopen the closed one",
        ),
        _code(
            "1602-FinancialPeriodInactive",
            "financial period inactive",
            "The financial period is inactive.",
            ADMIN,
            "Choose another period, or ask the customer to activate it.",
            (s.FINANCIAL_PERIODS,),
            "activate the financial period used on this order",
        ),
        _code(
            "1603-FinancialPeriodNotApplicable",
            "post period not allowed for this order type",
            "A post period cannot be set for this order type.",
            ISV,
            "Remove the post period and send again.",
        ),
        # --- warehouses and locations -----------------------------------------------------------
        _code(
            "1700-WarehouseLocationNotFound",
            "warehouse location not found",
            "The warehouse location does not exist.",
            ISV,
            "Choose an existing warehouse location, or leave it empty.",
            (s.WAREHOUSES,),
        ),
        _code(
            "1701-WarehouseLocationInactive",
            "warehouse location inactive",
            "The warehouse location is inactive.",
            ADMIN,
            "Choose another location, or ask the customer to activate it.",
            (s.WAREHOUSES,),
            "activate the warehouse location used on this order, or tell us which to use",
        ),
        _code(
            "1703-WarehouseLocationInvalid",
            "sales not allowed from this location",
            "Sales are not allowed from the warehouse location set on the line.",
            ISV,
            "Choose a location that allows sales, or leave it empty.",
            (s.WAREHOUSES,),
        ),
        _code(
            "1704-InvalidOrderType",
            "warehouse location only for non-shippable orders",
            "A warehouse location can be set on a line only for order types that are not shipped.",
            ISV,
            "Leave the warehouse location empty for this order type.",
            (s.ORDER_TYPES,),
        ),
        _code(
            "1705-DuplicatedSiteCds",
            "warehouse named twice",
            "The same warehouse was named more than once.",
            ISV,
            "Name each warehouse once and send again.",
        ),
        # --- lines ------------------------------------------------------------------------------
        _code(
            "1800-InvalidLineOperation",
            "line operation not allowed for this order type",
            "The line's operation (issue or receipt) is not accepted for this order type.",
            ISV,
            "Choose the operation the order type allows, or leave it empty.",
            (s.ORDER_TYPES,),
        ),
        _code(
            "1801-MissingReasonCode",
            "reason code required",
            "The order type requires a reason code on the line.",
            ISV,
            "Choose a reason code for the line and send again.",
            (s.REASON_CODES,),
        ),
        _code(
            "1802-InvalidWarehouseId",
            "warehouse not found",
            "The warehouse is not valid or does not exist.",
            ISV,
            "Choose one of the company's warehouses, or leave it empty to use the default.",
            (s.WAREHOUSES,),
        ),
        _code(
            "1803-UniqueInventoryIdNotFound",
            "item id matches more than one item",
            "The item id does not identify exactly one item.",
            ISV,
            "Pick the item from the list instead of typing its id.",
        ),
        _code(
            "1804-InventoryIdNotFound",
            "not found in the ERP",
            "The item cannot be found in the ERP, or is not valid.",
            ISV,
            "Pick the item from the list (it shows only items the ERP knows); if it is missing "
            "there, the customer has to create or activate it.",
            (s.STOCK_ITEMS, s.NON_STOCK_ITEMS),
        ),
        _code(
            "1805-InvalidTaxCategoryId",
            "VAT category not found",
            "The VAT (tax) category is not valid or does not exist.",
            ADMIN,
            "Leave the VAT category empty to use the item's, or ask the customer which to use.",
            (s.VAT_CATEGORIES,),
            "check the VAT category of this item",
        ),
        _code(
            "1806-InvalidSalesAccountId",
            "sales account not valid",
            "The sales account is not valid.",
            ISV,
            "Leave the sales account empty to use the item's, or choose a valid account.",
            (s.CHART_OF_ACCOUNTS,),
        ),
        _code(
            "1807-InvalidReasonCode",
            "reason code not found",
            "The reason code is not valid or does not exist.",
            ISV,
            "Choose an existing reason code and send again.",
            (s.REASON_CODES,),
        ),
        _code(
            "1808-InvalidUnitOfMeasure",
            "unit not valid for this item",
            "The unit of measure is not valid for this item.",
            ISV,
            "Use one of the item's units (the item list shows its base unit), or leave it empty.",
            (s.UNITS_OF_MEASURE,),
        ),
        _code(
            "1809-InvalidQuantityForType",
            "quantity must be zero or more",
            "The quantity must be zero or positive unless the item is a miscellaneous charge.",
            ISV,
            "Enter a quantity of zero or more.",
        ),
        _code(
            "1810-LineAlreadyCompleted",
            "line already completed",
            "The line is marked as completed and cannot be changed.",
            ISV,
            "Leave the completed line as it is.",
        ),
        _code(
            "1811-LineAlreadyShippedExternalLink",
            "line already shipped",
            "The external link cannot be changed on a line that has been shipped.",
            ISV,
            _SHIPPED,
        ),
        _code(
            "1812-LineAlreadyShippedSalesAccountId",
            "line already shipped",
            "The sales account cannot be changed on a line that has been shipped.",
            ISV,
            _SHIPPED,
        ),
        _code(
            "1813-InputLinesExceedExistingLinesCount",
            "more lines than the order has",
            "The request names more lines than the order has.",
            ISV,
            "Reload the order to see its current lines, then try again.",
        ),
        _code(
            "1814-ReasonCodePrerequisitesNotMet",
            "reason code does not fit the line",
            "The line does not meet what its reason code requires.",
            ISV,
            "Choose another reason code, or change the line to meet it.",
            (s.REASON_CODES,),
        ),
        _code(
            "1815-SortOrderExceedLinesCount",
            "sort order beyond the last line",
            "A sort order number is higher than the number of lines.",
            ISV,
            "Use sort order numbers from 1 to the number of lines.",
        ),
        _code(
            "1816-SortOrderNbrIsNotUnique",
            "sort order used twice",
            "The same sort order number appears more than once in the request.",
            ISV,
            "Give every line its own sort order number.",
        ),
        _code(
            "1817-LineIdIsNotUnique",
            "line id used twice",
            "The same line id appears more than once in the request.",
            ISV,
            "Name each line once.",
        ),
        _code(
            "1818-LineAlreadyShippedUnitCost",
            "line already shipped",
            "The unit cost cannot be changed on a line that has been shipped.",
            ISV,
            _SHIPPED,
        ),
        _code(
            "1819-LineAlreadyShippedShippingRule",
            "line already shipped",
            "The shipping rule cannot be changed on a line that has been shipped.",
            ISV,
            _SHIPPED,
        ),
        _code(
            "1820-LineIsFreeItem",
            "free-item line: discounts cannot change",
            "The line is a free item from a discount; its discount fields cannot change.",
            ISV,
            "Leave the discount fields of the free-item line as they are.",
        ),
        _code(
            "1821-InventoryIdFreeItemNotFound",
            "free item not found",
            "The item given as a free item cannot be found or is not valid.",
            ISV,
            "Pick an existing item as the free item.",
            (s.STOCK_ITEMS, s.NON_STOCK_ITEMS),
        ),
        _code(
            "1822-CanNotUpdateLineLocation",
            "warehouse cannot change now",
            "The line's warehouse can change only while the order is open, on hold, back "
            "ordered or on credit hold, and the line is neither shipped nor completed.",
            ISV,
            "Leave the warehouse as it is, or change it in the ERP if the customer agrees.",
            (s.SALES_ORDERS,),
        ),
        _code(
            "1823-DeleteLineWhichIsAlreadyShipped",
            "shipped line cannot be deleted",
            "A line that has been shipped cannot be deleted.",
            ISV,
            _SHIPPED,
        ),
        _code(
            "1824-DeleteLineWhichIsFreeDiscountLine",
            "free-item line cannot be deleted",
            "A free-item line that a discount added cannot be deleted.",
            ISV,
            "Change or remove the discount that adds the free item instead.",
            (s.DISCOUNTS,),
        ),
        _code(
            "1825-DeleteSalesOrderWithShippedLines",
            "order has shipped lines",
            "An order with shipped lines cannot be deleted.",
            ISV,
            _SHIPPED,
        ),
        # --- numbering, people, suppliers, projects ---------------------------------------------
        _code(
            "1900-OrderNumberSequenceNotFound",
            "order type has no number series",
            "The order type has no number series the ERP can find.",
            ADMIN,
            "Ask the customer to give the order type a number series.",
            (s.ORDER_TYPES, s.NUMBER_SERIES),
            "give this order type a number series (the order type's numbering settings)",
        ),
        _code(
            "1901-InactiveSalesPerson",
            "sales person inactive",
            "The sales person is not active.",
            ADMIN,
            "Choose another sales person, or ask the customer to activate this one.",
            (s.SALES_PERSONS,),
            "activate the sales person used on this order, or tell us which to use",
        ),
        _code(
            "1902-SalesPersonNotFound",
            "sales person not found",
            "The sales person does not exist.",
            ISV,
            "Choose an existing sales person, or leave it empty.",
            (s.SALES_PERSONS,),
        ),
        _code(
            "1903-SupplierNotFound",
            "supplier not found or inactive",
            "The supplier does not exist or is not active.",
            ISV,
            "Choose an active supplier, or leave the supplier empty to use the item's preferred "
            "supplier.",
            (s.SUPPLIERS,),
        ),
        _code(
            "1904-ProjectNotFound",
            "project not found",
            "The project cannot be found.",
            ISV,
            "Choose an existing project, or leave it empty.",
            (s.PROJECTS,),
        ),
        _code(
            "1905-ProjectNotVisibleInSO",
            "project not usable on sales orders",
            "The project is not set up for use on sales orders.",
            ADMIN,
            "Choose another project, or ask the customer to make this one visible in sales orders.",
            (s.PROJECTS,),
            "make the project visible in sales orders, or tell us which project to use",
        ),
        _code(
            "1906-ProjectCancelled",
            "project cancelled",
            "The project is cancelled and cannot be used.",
            ISV,
            "Choose another project.",
            (s.PROJECTS,),
        ),
        _code(
            "1907-ProjectCompleted",
            "project completed",
            "The project is completed and cannot be used.",
            ISV,
            "Choose another project.",
            (s.PROJECTS,),
        ),
        _code(
            "1908-ProjectTaskNotFound",
            "project task not found",
            "The project task cannot be found.",
            ISV,
            "Choose an existing task of the project.",
            (s.PROJECTS,),
        ),
        # --- inventory lookups ------------------------------------------------------------------
        _code(
            "5000-InvalidAttributeFilter",
            "attribute filter not valid",
            "The attribute filter of an inventory search is not valid (it is written ID:value).",
            ISV,
            "Correct the attribute filter; in the portal this is a defect to report.",
        ),
        _code(
            "5001-InvalidAttributeName",
            "attribute name not valid",
            "An attribute name may hold only letters, digits and spaces.",
            ISV,
            "Correct the attribute name; in the portal this is a defect to report.",
        ),
        _code(
            "5002-BaseUnitDetailsNotSet",
            "item has no base unit details",
            "The item's base unit details are not set.",
            ADMIN,
            "Ask the customer to complete the item's unit set-up.",
            (s.STOCK_ITEMS, s.UNITS_OF_MEASURE),
            "complete the base unit details of this item",
        ),
    )
}
