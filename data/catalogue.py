"""Reference catalogues shipped with the console: departments (1+5+N), case categories with
their handling limits, usual departments and re-inspection rule, and case sources."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import StationingMode as M


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    name_en: str
    mode: M
    contact: str = ""

    @property
    def short_en(self) -> str:
        """The one English word the queue's check-in marks show (the Chinese ones show two
        characters): readable where the code (CGZF, STHJ) is not."""
        return SHORT_EN.get(self.code, self.name_en.split()[0])


# The queue's check-in marks in English: one word each, told apart at a glance.
SHORT_EN = {
    "CGZF": "Urban",
    "GA": "Police",
    "XF": "Fire",
    "JT": "Traffic",
    "SCJG": "Market",
    "SYJ": "Food",
    "ZJ": "Housing",
    "GHZY": "Planning",
    "YLLH": "Parks",
    "WH": "Culture",
    "STHJ": "Ecology",
    "SW": "Water",
    "HW": "Sanitation",
}


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    name_en: str
    limit: str  # handling limit, in models.deadlines.parse_limit form
    departments: tuple[str, ...]
    reinspect_days: int  # 回头看: re-inspect this many days after closure


@dataclass(frozen=True)
class SourceSpec:
    code: str
    name: str
    name_en: str


# 1 + 5 + N: one law-enforcement team at the core, five resident departments, N on call.
DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("CGZF", "城管执法队", "Urban management enforcement", M.RESIDENT),
    DepartmentSpec("GA", "公安派出所", "Police station", M.RESIDENT),
    DepartmentSpec("XF", "消防救援站", "Fire and rescue", M.RESIDENT),
    DepartmentSpec("JT", "交通支队", "Traffic police", M.RESIDENT),
    DepartmentSpec("SCJG", "市场监管所", "Market regulation", M.RESIDENT),
    DepartmentSpec("SYJ", "食品药品监管", "Food and drug safety", M.RESIDENT),
    DepartmentSpec("ZJ", "房管住建", "Housing and construction", M.AREA),
    DepartmentSpec("GHZY", "规划自然资源", "Planning and natural resources", M.ON_CALL),
    DepartmentSpec("YLLH", "园林绿化", "Parks and greening", M.ON_CALL),
    DepartmentSpec("WH", "文化执法", "Culture enforcement", M.ON_CALL),
    DepartmentSpec("STHJ", "生态环境", "Ecology and environment", M.AREA),
    DepartmentSpec("SW", "水务", "Water affairs", M.ON_CALL),
    DepartmentSpec("HW", "环卫所", "Sanitation", M.AREA),
)

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "illegal_construction",
        "违法建设",
        "Illegal construction",
        "15wd",
        ("CGZF", "GHZY", "ZJ"),
        30,
    ),
    CategorySpec(
        "unlicensed_business",
        "无证无照经营",
        "Unlicensed business",
        "5wd",
        ("SCJG", "CGZF", "GA"),
        14,
    ),
    CategorySpec("fire_hazard", "消防安全隐患", "Fire hazard", "1wd", ("XF", "GA", "ZJ"), 7),
    CategorySpec("ground_lock", "私装地锁", "Private parking lock", "3wd", ("CGZF", "JT"), 7),
    CategorySpec("waste_sorting", "垃圾分类", "Waste sorting", "1wd", ("HW", "CGZF"), 14),
    CategorySpec("street_vending", "占道经营/流动摊贩", "Street vending", "4wh", ("CGZF", "SCJG", "GA"), 7),
    CategorySpec("cooking_fumes", "油烟扰民", "Cooking fumes", "5wd", ("STHJ", "SCJG", "CGZF"), 14),
    CategorySpec("noise", "噪音扰民", "Noise nuisance", "1wd", ("GA", "STHJ", "CGZF"), 14),
    CategorySpec("zombie_vehicle", "僵尸车", "Abandoned vehicle", "5wd", ("JT", "GA"), 7),
    CategorySpec("group_rental", "群租房", "Illegal group rental", "10wd", ("ZJ", "GA", "XF"), 30),
    CategorySpec("outdoor_ads", "户外广告牌匾", "Outdoor signs", "5wd", ("CGZF", "SCJG"), 30),
    CategorySpec(
        "construction_dust", "渣土/工地扬尘", "Construction dust", "1wd", ("CGZF", "ZJ", "STHJ"), 14
    ),
    CategorySpec("parking", "停车秩序", "Parking order", "4wh", ("JT", "CGZF"), 7),
    CategorySpec("sanitation", "环境卫生", "Environmental sanitation", "4wh", ("HW", "CGZF"), 14),
)

SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec("patrol", "巡查发现", "Patrol"),
    SourceSpec("hotline", "12345热线", "12345 hotline"),
    SourceSpec("photo", "随手拍", "Resident photo report"),
    SourceSpec("grid", "网格员/小巷管家", "Grid worker"),
    SourceSpec("iot", "物联感知", "IoT sensor"),
    SourceSpec("district", "上级交办", "Assigned by district"),
)

CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}
DEPARTMENT_BY_CODE = {d.code: d for d in DEPARTMENTS}
SOURCE_BY_CODE = {s.code: s for s in SOURCES}
