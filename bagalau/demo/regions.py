"""Public names of Kazakhstan's regions and central bodies, for synthetic demo cohorts.

The bodies are the akimats of the 14 oblasts of 2012 and of the cities of
Astana, Almaty and Shymkent (Shymkent became a city of republican
significance only in 2018; it is in the demo cohort all the same). Names
are public facts; every figure attached to them in a demo is made up.
"""

REGIONS_2012: list[tuple[str, str, str]] = [
    ("akmola", "Акимат Акмолинской области", "Akmola oblast akimat"),
    ("aktobe", "Акимат Актюбинской области", "Aktobe oblast akimat"),
    ("almaty-oblast", "Акимат Алматинской области", "Almaty oblast akimat"),
    ("atyrau", "Акимат Атырауской области", "Atyrau oblast akimat"),
    ("east-kazakhstan", "Акимат Восточно-Казахстанской области", "East Kazakhstan oblast akimat"),
    ("zhambyl", "Акимат Жамбылской области", "Zhambyl oblast akimat"),
    ("west-kazakhstan", "Акимат Западно-Казахстанской области", "West Kazakhstan oblast akimat"),
    ("karaganda", "Акимат Карагандинской области", "Karaganda oblast akimat"),
    ("kostanay", "Акимат Костанайской области", "Kostanay oblast akimat"),
    ("kyzylorda", "Акимат Кызылординской области", "Kyzylorda oblast akimat"),
    ("mangystau", "Акимат Мангистауской области", "Mangystau oblast akimat"),
    ("pavlodar", "Акимат Павлодарской области", "Pavlodar oblast akimat"),
    ("north-kazakhstan", "Акимат Северо-Казахстанской области", "North Kazakhstan oblast akimat"),
    ("south-kazakhstan", "Акимат Южно-Казахстанской области", "South Kazakhstan oblast akimat"),
    ("astana", "Акимат города Астаны", "Astana city akimat"),
    ("almaty", "Акимат города Алматы", "Almaty city akimat"),
    ("shymkent", "Акимат города Шымкента", "Shymkent city akimat"),
]

# Central state bodies (ministries and agencies), for editions with a central profile.
CENTRAL_BODIES: list[tuple[str, str, str]] = [
    ("min-digital", "Министерство цифрового развития, инноваций и аэрокосмической промышленности", "Ministry of Digital Development, Innovation and Aerospace Industry"),
    ("min-finance", "Министерство финансов", "Ministry of Finance"),
    ("min-justice", "Министерство юстиции", "Ministry of Justice"),
    ("min-health", "Министерство здравоохранения", "Ministry of Health"),
    ("min-education", "Министерство просвещения", "Ministry of Education"),
    ("min-labour", "Министерство труда и социальной защиты населения", "Ministry of Labour and Social Protection"),
    ("min-agriculture", "Министерство сельского хозяйства", "Ministry of Agriculture"),
    ("min-energy", "Министерство энергетики", "Ministry of Energy"),
    ("min-culture", "Министерство культуры и информации", "Ministry of Culture and Information"),
    ("min-transport", "Министерство транспорта", "Ministry of Transport"),
    ("min-interior", "Министерство внутренних дел", "Ministry of Internal Affairs"),
    ("min-economy", "Министерство национальной экономики", "Ministry of National Economy"),
]

# The same akimats' names in Kazakh (the state language), for the registry's name_kk.
REGION_NAMES_KK: dict[str, str] = {
    "akmola": "Ақмола облысының әкімдігі",
    "aktobe": "Ақтөбе облысының әкімдігі",
    "almaty-oblast": "Алматы облысының әкімдігі",
    "atyrau": "Атырау облысының әкімдігі",
    "east-kazakhstan": "Шығыс Қазақстан облысының әкімдігі",
    "zhambyl": "Жамбыл облысының әкімдігі",
    "west-kazakhstan": "Батыс Қазақстан облысының әкімдігі",
    "karaganda": "Қарағанды облысының әкімдігі",
    "kostanay": "Қостанай облысының әкімдігі",
    "kyzylorda": "Қызылорда облысының әкімдігі",
    "mangystau": "Маңғыстау облысының әкімдігі",
    "pavlodar": "Павлодар облысының әкімдігі",
    "north-kazakhstan": "Солтүстік Қазақстан облысының әкімдігі",
    "south-kazakhstan": "Оңтүстік Қазақстан облысының әкімдігі",
    "astana": "Астана қаласының әкімдігі",
    "almaty": "Алматы қаласының әкімдігі",
    "shymkent": "Шымкент қаласының әкімдігі",
}
