"""Fixed vocabularies the synthetic world is drawn from.

Everything here is data: name characters, places, posts, banks, casinos,
company words and street names. Keeping it in one module keeps the generator
modules about structure and makes the world easy to re-flavour. All places,
companies and casinos except the big banks are fictional or generic.
"""

from __future__ import annotations

from typing import NamedTuple

# Given-name characters (simplified), chosen to have one reading in names so the
# per-character romanisation agrees with a whole-name one.
GIVEN_MALE = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利"
    "清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚彪博诚先敬震振壮思群豪心邦承绍功松善厚"
    "庆磊民友裕河哲江超浩亮政谦亨奇固之翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致"
    "树炎德时泰盛雄琛钧冠策腾楠风航弘凡"
)
GIVEN_FEMALE = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月"
    "莺媛艳瑞佳嘉琼勤珍贞莉桂娣叶璐琦晶妍秋珊莎锦黛青倩婷婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉君琴"
    "蕊薇菁梦岚苑婕馨韵园咏卿聪澜纯毓悦昭冰爽琬茗羽希欣飘育滢馥筠柔竹凝晓欢霄枫芸菲寒伊亚宜"
    "可舒影荔丽阳妮宝贝初恒鸿桦剑娇纪宽灵琪晴容睿唯威雯萱彦宇雨洋忠宗曼紫逸贤蝶"
)
GIVEN_CHARS: tuple[str, ...] = tuple(dict.fromkeys(GIVEN_MALE + GIVEN_FEMALE))
"""All given-name characters, male list first; indices into this tuple are stored."""

# Relative frequency of the surnames in nohaven.names.surnames.SURNAMES (same order),
# roughly the mainland ranking; compound surnames are rare.
SURNAME_WEIGHTS = (
    7.2,
    7.0,
    6.8,
    5.4,
    5.3,
    3.1,
    2.9,
    2.3,
    2.0,
    1.9,
    1.3,
    1.0,
    1.2,
    1.2,
    1.1,
    1.1,
    1.0,
    1.0,
    0.9,
    0.9,
    0.9,
    0.9,
    0.8,
    0.8,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.6,
    0.5,
    0.5,
    0.5,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.4,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.3,
    0.2,
    0.1,
    0.1,
    0.1,
    0.03,
    0.02,
    0.02,
    0.01,
    0.01,
    0.01,
)

WESTERN_MALE = (
    "David", "Michael", "Kevin", "Peter", "Jason", "Eric", "Tony", "Andrew", "Raymond", "Vincent",
    "Alan", "Kenneth", "Patrick", "Steven", "Edward", "Henry", "Johnny", "William", "Simon",
    "Daniel", "Frank", "Jimmy", "Victor", "Gary",
)  # fmt: skip
WESTERN_FEMALE = (
    "Nancy", "Grace", "Cindy", "Jenny", "Helen", "Amy", "Winnie", "Karen", "Alice", "Vivian",
    "Emily", "Joyce", "Irene", "Stella", "Angela", "Jessica", "Michelle", "Crystal", "Fiona",
    "Queenie", "Ivy", "Lily", "Sandy", "Tina",
)  # fmt: skip


class Area(NamedTuple):
    """A mainland county-level area: the first six digits of an identity number."""

    code: str
    province_zh: str
    province_en: str
    city_zh: str
    city_en: str


AREAS: tuple[Area, ...] = (
    Area("440783", "广东省", "Guangdong", "开平", "Kaiping"),
    Area("440106", "广东省", "Guangdong", "广州", "Guangzhou"),
    Area("440305", "广东省", "Guangdong", "深圳", "Shenzhen"),
    Area("440703", "广东省", "Guangdong", "江门", "Jiangmen"),
    Area("110101", "北京市", "Beijing", "北京", "Beijing"),
    Area("310101", "上海市", "Shanghai", "上海", "Shanghai"),
    Area("120101", "天津市", "Tianjin", "天津", "Tianjin"),
    Area("500103", "重庆市", "Chongqing", "重庆", "Chongqing"),
    Area("330102", "浙江省", "Zhejiang", "杭州", "Hangzhou"),
    Area("330203", "浙江省", "Zhejiang", "宁波", "Ningbo"),
    Area("320102", "江苏省", "Jiangsu", "南京", "Nanjing"),
    Area("320505", "江苏省", "Jiangsu", "苏州", "Suzhou"),
    Area("350102", "福建省", "Fujian", "福州", "Fuzhou"),
    Area("350203", "福建省", "Fujian", "厦门", "Xiamen"),
    Area("370102", "山东省", "Shandong", "济南", "Jinan"),
    Area("370202", "山东省", "Shandong", "青岛", "Qingdao"),
    Area("420102", "湖北省", "Hubei", "武汉", "Wuhan"),
    Area("430102", "湖南省", "Hunan", "长沙", "Changsha"),
    Area("510104", "四川省", "Sichuan", "成都", "Chengdu"),
    Area("410102", "河南省", "Henan", "郑州", "Zhengzhou"),
    Area("210102", "辽宁省", "Liaoning", "沈阳", "Shenyang"),
    Area("230102", "黑龙江省", "Heilongjiang", "哈尔滨", "Harbin"),
    Area("610102", "陕西省", "Shaanxi", "西安", "Xi'an"),
    Area("530102", "云南省", "Yunnan", "昆明", "Kunming"),
    Area("450102", "广西壮族自治区", "Guangxi", "南宁", "Nanning"),
    Area("130102", "河北省", "Hebei", "石家庄", "Shijiazhuang"),
    Area("340102", "安徽省", "Anhui", "合肥", "Hefei"),
    Area("360102", "江西省", "Jiangxi", "南昌", "Nanchang"),
    Area("140105", "山西省", "Shanxi", "太原", "Taiyuan"),
    Area("220102", "吉林省", "Jilin", "长春", "Changchun"),
)


class Post(NamedTuple):
    """A post an official holds, in Chinese and English, filled in with an Area."""

    zh: str
    en: str
    employer_zh: str
    employer_en: str
    is_bank: bool


POSTS: tuple[Post, ...] = (
    Post(
        "中国银行{city_zh}支行行长",
        "Branch president, Bank of China {city_en} branch",
        "中国银行{city_zh}支行",
        "Bank of China {city_en} branch",
        True,
    ),
    Post(
        "{city_zh}市副市长",
        "Vice mayor of {city_en}",
        "{city_zh}市人民政府",
        "{city_en} Municipal People's Government",
        False,
    ),
    Post(
        "{province_zh}交通运输厅厅长",
        "Director, {province_en} Department of Transport",
        "{province_zh}交通运输厅",
        "{province_en} Department of Transport",
        False,
    ),
    Post(
        "{city_zh}市国土资源局副局长",
        "Deputy director, {city_en} Land and Resources Bureau",
        "{city_zh}市国土资源局",
        "{city_en} Land and Resources Bureau",
        False,
    ),
    Post(
        "{city_zh}农村商业银行董事长",
        "Chairman, {city_en} Rural Commercial Bank",
        "{city_zh}农村商业银行",
        "{city_en} Rural Commercial Bank",
        True,
    ),
    Post(
        "{province_zh}投资集团总经理",
        "General manager, {province_en} Investment Group",
        "{province_zh}投资集团有限公司",
        "{province_en} Investment Group Co., Ltd.",
        False,
    ),
    Post(
        "{city_zh}市发展和改革委员会主任",
        "Director, {city_en} Development and Reform Commission",
        "{city_zh}市发展和改革委员会",
        "{city_en} Development and Reform Commission",
        False,
    ),
)

# Jobs of officials' relatives as written in declarations.
JOBS_ADULT = (
    "teacher", "doctor", "accountant", "engineer", "civil servant", "business owner",
    "employee, state-owned enterprise", "employee, foreign company", "lawyer", "retired",
)  # fmt: skip
JOBS_ABROAD = ("student", "homemaker", "business owner", "employee, foreign company", "none")

# Positions of ordinary registry people (Person.position), Chinese only.
REGISTRY_POSITIONS = ("教师", "医生", "工程师", "会计", "公务员", "科员", "个体工商户", "职员")


class Bank(NamedTuple):
    """A bank that keeps ledger accounts; ``code`` is used in account numbers."""

    code: str
    name: str
    country: str


BANKS: tuple[Bank, ...] = (
    Bank("BOC", "Bank of China", "cn"),
    Bank("ICBC", "Industrial and Commercial Bank of China", "cn"),
    Bank("CCB", "China Construction Bank", "cn"),
    Bank("ABC", "Agricultural Bank of China", "cn"),
    Bank("CMB", "China Merchants Bank", "cn"),
    Bank("HSBC", "HSBC Hong Kong", "hk"),
    Bank("BOCHK", "Bank of China (Hong Kong)", "hk"),
    Bank("HASE", "Hang Seng Bank", "hk"),
    Bank("BNU", "Banco Nacional Ultramarino", "mo"),
    Bank("DBS", "DBS Bank", "sg"),
    Bank("OCBC", "OCBC Bank", "sg"),
    Bank("UOB", "United Overseas Bank", "sg"),
    Bank("BOFA", "Bank of America", "us"),
    Bank("EWB", "East West Bank", "us"),
    Bank("CATHAY", "Cathay Bank", "us"),
    Bank("RBC", "Royal Bank of Canada", "ca"),
    Bank("TD", "TD Canada Trust", "ca"),
    Bank("HSBCCA", "HSBC Bank Canada", "ca"),
)


class Casino(NamedTuple):
    """A (fictional) casino or junket operator that appears in the ledger."""

    code: str
    name: str
    country: str
    city: str


CASINOS: tuple[Casino, ...] = (
    Casino("GLOTUS", "Golden Lotus Casino", "mo", "Macau"),
    Casino("PEARLR", "Pearl River Grand Casino", "mo", "Macau"),
    Casino("JADEC", "Jade Crown Casino", "mo", "Macau"),
    Casino("DSTAR", "Desert Star Casino Resort", "us", "Las Vegas"),
    Casino("SILVS", "Silver Sands Casino", "us", "Las Vegas"),
)

CURRENCY: dict[str, str] = {
    "cn": "CNY",
    "hk": "HKD",
    "mo": "MOP",
    "sg": "SGD",
    "us": "USD",
    "ca": "CAD",
    "vg": "USD",
}
"""Currency of accounts kept in each country."""

CNY_PER_UNIT: dict[str, float] = {
    "CNY": 1.0,
    "HKD": 0.84,
    "MOP": 0.81,
    "SGD": 4.8,
    "USD": 6.5,
    "CAD": 5.0,
}
"""Fixed exchange rates used to size amounts and to compute the wealth findings."""

# Company names: English words for Hong Kong, BVI and overseas companies.
COMPANY_WORDS_A = (
    "Golden", "Pacific", "Harvest", "Dragon", "Jade", "Fortune", "Orient", "Ever", "Grand",
    "Rich", "Prosper", "Sun", "Silver", "Eagle", "Lotus", "Phoenix", "Pearl", "Bright", "Star",
    "Great Wall", "Crane", "Kai Wah", "Wing Hing", "Tak Fung", "Lung Cheong", "Yue Hing",
    "Summit", "Ocean", "Crystal", "Evergreen", "Heng Tai", "Sino", "Asia", "Royal", "Noble",
)  # fmt: skip
COMPANY_WORDS_B = (
    "Holdings", "Investment", "Trading", "Development", "International", "Enterprises",
    "Resources", "Capital", "Industrial", "Properties", "Ventures", "Technology", "Logistics",
)  # fmt: skip
COMPANY_SUFFIX_HK = ("Limited", "Company Limited", "(Hong Kong) Limited")
COMPANY_SUFFIX_VG = ("Limited", "Ltd.", "Inc.", "Holdings Ltd.")
COMPANY_SUFFIX_US = ("LLC", "Inc.", "Corp.", "LP")
COMPANY_SUFFIX_CA = ("Ltd.", "Inc.", "Holdings Inc.")

# Mainland company names: place + two words + suffix, in Chinese.
CN_COMPANY_WORDS = (
    "华兴", "宏达", "恒信", "金源", "鑫隆", "嘉华", "永泰", "瑞丰", "中联", "海通",
    "新时代", "盛世", "富华", "天和", "安泰", "联发", "国信", "长城", "东方", "正大",
)  # fmt: skip
CN_COMPANY_KINDS = ("贸易", "实业", "投资", "建设", "置业", "物流", "科技", "商贸", "餐饮", "电子")
CN_COMPANY_SUFFIX = ("有限公司", "有限责任公司", "股份有限公司")

STREETS_US = (
    "Main St", "Oak Ave", "Maple Dr", "Valley Blvd", "Garfield Ave", "Huntington Dr",
    "Las Tunas Dr", "Jefferson Ave", "Mission St", "Noriega St", "Irving St", "Lake St",
    "Sunset Blvd", "Colima Rd", "Fullerton Rd", "Diamond Bar Blvd", "Pine St", "Prospect Ave",
)  # fmt: skip
CITIES_US = (
    ("Arcadia", "CA", "91006"), ("San Marino", "CA", "91108"), ("Irvine", "CA", "92618"),
    ("Los Angeles", "CA", "90024"), ("San Francisco", "CA", "94122"), ("Walnut", "CA", "91789"),
    ("Diamond Bar", "CA", "91765"), ("Flushing", "NY", "11354"), ("New York", "NY", "10022"),
    ("Fremont", "CA", "94539"), ("Cupertino", "CA", "95014"), ("Bellevue", "WA", "98004"),
)  # fmt: skip
STREETS_CA = (
    "No. 3 Rd", "Granville Ave", "Westminster Hwy", "Blundell Rd", "Williams Rd", "Oak St",
    "Cambie St", "Marine Dr", "Bayview Ave", "Highway 7", "Yonge St", "Steeles Ave",
)  # fmt: skip
CITIES_CA = (
    ("Richmond", "BC", "V6X"), ("Vancouver", "BC", "V6M"), ("West Vancouver", "BC", "V7S"),
    ("Burnaby", "BC", "V5H"), ("Markham", "ON", "L3R"), ("Richmond Hill", "ON", "L4B"),
    ("Toronto", "ON", "M2N"),
)  # fmt: skip
STREETS_HK = (
    "Queen's Road Central", "Nathan Road", "Des Voeux Road Central", "Hennessy Road",
    "Canton Road", "Connaught Road Central", "Lockhart Road", "Mody Road",
)  # fmt: skip

COURTS_US = (
    "U.S. District Court, C.D. Cal.", "U.S. District Court, N.D. Cal.",
    "U.S. District Court, S.D.N.Y.", "U.S. District Court, D. Nev.",
    "Superior Court of California, Los Angeles County",
)  # fmt: skip
CASE_CATEGORIES_US = ("civil", "contract", "property", "immigration", "criminal")
