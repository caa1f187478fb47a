"""What generated companies are made of: the chart of accounts, terms, classes, word lists
and the share of each kind of record (data for ``qbsim.generate``)."""

from __future__ import annotations

# Name, type, sub-accounts: a product-and-service company's chart of accounts.
CHART: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Checking", "Bank", ()),
    ("Savings", "Bank", ()),
    ("Petty Cash", "Bank", ()),
    ("Accounts Receivable", "AccountsReceivable", ()),
    ("Undeposited Funds", "OtherCurrentAsset", ()),
    ("Inventory Asset", "OtherCurrentAsset", ()),
    ("Prepaid Expenses", "OtherCurrentAsset", ()),
    ("Furniture and Equipment", "FixedAsset", ()),
    ("Vehicles", "FixedAsset", ()),
    ("Accumulated Depreciation", "FixedAsset", ()),
    ("Accounts Payable", "AccountsPayable", ()),
    ("Company Credit Card", "CreditCard", ()),
    ("Payroll Liabilities", "OtherCurrentLiability", ()),
    ("Sales Tax Payable", "OtherCurrentLiability", ()),
    ("Bank Loan", "LongTermLiability", ()),
    ("Opening Balance Equity", "Equity", ()),
    ("Owner's Equity", "Equity", ("Owner's Draw", "Owner's Contribution")),
    ("Retained Earnings", "Equity", ()),
    ("Sales", "Income", ("Product Sales", "Wholesale")),
    ("Services", "Income", ("Consulting", "Installation", "Repairs")),
    ("Other Income", "OtherIncome", ()),
    ("Interest Income", "OtherIncome", ()),
    ("Cost of Goods Sold", "CostOfGoodsSold", ("Materials", "Subcontractors", "Freight In")),
    ("Advertising and Promotion", "Expense", ()),
    ("Automobile Expense", "Expense", ("Fuel", "Insurance", "Repairs and Maintenance")),
    ("Bank Service Charges", "Expense", ()),
    ("Insurance Expense", "Expense", ("General Liability", "Workers Compensation")),
    ("Office Supplies", "Expense", ()),
    ("Payroll Expenses", "Expense", ("Wages", "Payroll Taxes", "Benefits")),
    ("Professional Fees", "Expense", ("Accounting", "Legal Fees")),
    ("Rent Expense", "Expense", ()),
    ("Telephone Expense", "Expense", ()),
    ("Utilities", "Expense", ("Gas and Electric", "Water")),
    ("Travel Expense", "Expense", ()),
    ("Meals and Entertainment", "Expense", ()),
    ("Depreciation Expense", "Expense", ()),
    ("Interest Expense", "OtherExpense", ()),
)
TERMS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("Due on receipt", "0", {}),
    ("Net 15", "15", {}),
    ("Net 30", "30", {}),
    ("Net 60", "60", {}),
    ("1% 10 Net 30", "30", {"StdDiscountDays": "10", "DiscountPct": "1.00"}),
)
CLASSES = (
    ("East", ("New York", "Boston", "Philadelphia")),
    ("West", ("Seattle", "San Francisco", "Denver")),
    ("Central", ("Chicago", "Dallas")),
    ("Overhead", ()),
)
JOBS = (
    "Kitchen remodel", "Office fit-out", "Annual maintenance", "Roof repair", "Website build",
    "Phase 1", "Phase 2", "Warehouse expansion", "HVAC upgrade", "Audit support",
    "Training program", "Network install", "Landscaping", "Fleet service", "Q3 campaign",
)  # fmt: skip
SERVICE_WORDS = (
    "Consulting", "Installation", "Labor", "Repair", "Design", "Training", "Maintenance",
    "Inspection", "Support", "Project Mgmt", "Cleaning", "Delivery", "Setup", "Assessment",
)  # fmt: skip
PRODUCT_WORDS = (
    "Widget", "Bracket", "Valve", "Cable", "Panel", "Filter", "Sensor", "Hinge", "Pump",
    "Fitting", "Switch", "Adapter", "Gasket", "Bolt Kit", "Lamp", "Controller", "Bearing",
)  # fmt: skip
CHARGES = ("Freight", "Delivery Fee", "Restocking Fee", "Rush Fee", "Fuel Surcharge", "Permit")
LEVELS = ("Senior", "Junior", "Hourly", "Day Rate", "Overtime", "Weekend", "Remote", "On-site")
ITEM_CATEGORIES = ("Hardware", "Electrical", "Plumbing", "Supplies", "Parts")
JOB_STATUS = ("Awarded", "Closed", "InProgress", "None", "NotAwarded", "Pending")

# Share of the records after the fixed chart, terms and classes (lists only / with transactions).
SHARES = {"Customer": 0.50, "Vendor": 0.20, "Employee": 0.06, "OtherName": 0.04, "Item": 0.20}
SHARES_WITH_TXNS = {
    "Customer": 0.30,
    "Vendor": 0.10,
    "Employee": 0.03,
    "OtherName": 0.02,
    "Item": 0.15,
    "Txn": 0.40,
}
TXN_WEIGHTS = {"Invoice": 50, "SalesOrder": 8, "ReceivePayment": 25, "Bill": 25}
PAYMENT_METHODS = ("Check", "Check", "Cash", "Visa", "MasterCard", "E-Check")
ITEM_SHARES = {
    "ItemService": 0.40,
    "ItemInventory": 0.25,
    "ItemNonInventory": 0.25,
    "ItemOtherCharge": 0.10,
}
