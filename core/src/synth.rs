//! Synthetic directories (模拟名录库) for trying the tool, load tests and the
//! built-in demo: market entities with valid 统一社会信用代码, Chinese names,
//! credit classes, areas and industries; inspectors with departments,
//! enforcement fields, status and certificate expiry.
//!
//! Nothing here takes part in a draw: the data only has to look real and be
//! the same for the same seed on every machine, so that a bug report can say
//! "`shuangsui gen entities --count 1000000 --seed 7`" and be reproduced.
//!
//! # Determinism
//!
//! Rows are made in chunks of [`CHUNK_ROWS`]. Chunk `c` draws its random
//! numbers from ChaCha20 (rand_chacha's `ChaCha20Rng`, value-stable by that
//! crate's promise) keyed with `SHA256(lp("shuangsui/synth/1/<kind>") ‖
//! lp(seed))` and stream number `c`. A bounded number below `n` is
//! `(x · n) >> 64` for the next 64-bit word `x` (a bias below n/2⁶⁴, which is
//! irrelevant for sample data). So the output depends only on the kind, the
//! seed text and the row count, not on the number of threads used to make
//! it.
//!
//! # Ids
//!
//! An entity's code is `9`, the category (`1` 企业, `2` 个体工商户, `3`
//! 农民专业合作社), the division (`652302` 阜康市, or `652300` for the
//! prefecture's registrations), then an organisation code `MA` + six
//! characters + its GB 11714 check, then the GB 32100 check ([`crate::uscc`]).
//! The six characters are the row number put through a four-round Feistel
//! permutation of 0…31⁶−1 keyed by the seed, so ids are distinct within a
//! file (up to [`MAX_ENTITIES`] rows) yet look random.

use crate::input::directory::{EntityDirectory, InspectorDirectory};
use crate::spec::hash::tagged;
use crate::{Error, ErrorKind, Result};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use std::io::Write;

/// Rows per chunk of the deterministic stream (see the module docs).
pub const CHUNK_ROWS: u64 = 1 << 14;

/// The most entity rows one file can have with distinct ids: 31⁶.
pub const MAX_ENTITIES: u64 = 887_503_681;

/// The towns and streets (乡镇街道) of 阜康市 with a rough weight each.
pub const AREAS: [(&str, u32); 9] = [
    ("博峰街道", 20),
    ("阜新街道", 20),
    ("甘河子镇", 12),
    ("城关镇", 10),
    ("九运街镇", 10),
    ("滋泥泉子镇", 8),
    ("上户沟哈萨克族乡", 6),
    ("水磨沟乡", 7),
    ("三工河哈萨克族乡", 7),
];

/// The three departments (实施部门) of the synthetic inspector directory
/// and the enforcement fields (执法领域) their staff hold.
pub const DEPARTMENTS: [(&str, &[&str]); 3] = [
    (
        "阜康市市场监督管理局",
        &[
            "市场秩序",
            "食品安全",
            "特种设备",
            "产品质量",
            "价格监管",
            "广告监管",
            "计量",
        ],
    ),
    (
        "阜康市商务和工业信息化局",
        &["商务执法", "市场秩序", "成品油流通", "再生资源回收"],
    ),
    ("阜康市应急管理局", &["安全生产", "危险化学品", "烟花爆竹"]),
];

/// Header of a synthetic entity directory.
pub const ENTITY_HEADER: &str =
    "统一社会信用代码,企业名称,信用风险等级,所属区域,行业,企业类型,登记机关,法定代表人\n";

/// Header of a synthetic inspector directory.
pub const INSPECTOR_HEADER: &str = "执法证号,姓名,部门,执法领域,状态,有效期,所属区域\n";

const CLASSES: [(&str, u32); 4] = [("A", 30), ("B", 50), ("C", 15), ("D", 5)];

/// (industry 行业门类, weight, words for company names, words for shops).
const INDUSTRIES: [(&str, u32, &[&str], &[&str]); 12] = [
    (
        "批发和零售业",
        30,
        &["商贸", "贸易", "百货", "农资", "建材销售"],
        &[
            "便利店",
            "超市",
            "烟酒店",
            "五金店",
            "百货商店",
            "干果店",
            "手机店",
        ],
    ),
    (
        "住宿和餐饮业",
        15,
        &["餐饮管理", "酒店管理", "饮品"],
        &["拌面馆", "羊肉馆", "小吃店", "烤肉店", "宾馆", "奶茶店"],
    ),
    (
        "制造业",
        8,
        &["机械制造", "食品", "建材", "塑料制品", "面粉加工"],
        &["馕坑", "豆腐坊", "木器加工部"],
    ),
    (
        "建筑业",
        7,
        &["建筑工程", "建筑安装", "装饰工程", "路桥工程"],
        &["装饰部", "水暖安装部"],
    ),
    (
        "交通运输、仓储和邮政业",
        8,
        &["物流", "运输", "仓储"],
        &["货运部", "快递服务部"],
    ),
    (
        "租赁和商务服务业",
        6,
        &["商务咨询", "企业管理咨询", "广告", "劳务派遣"],
        &["打字复印部", "广告部"],
    ),
    (
        "居民服务、修理和其他服务业",
        10,
        &["家政服务", "汽车服务", "清洁服务"],
        &["理发店", "汽车修理部", "洗衣店", "家电维修部"],
    ),
    (
        "农、林、牧、渔业",
        7,
        &["农业发展", "牧业", "生态农业", "种养殖"],
        &["养殖场", "种植园"],
    ),
    (
        "信息传输、软件和信息技术服务业",
        3,
        &["信息技术", "网络科技", "软件"],
        &["电脑服务部", "网吧"],
    ),
    (
        "科学研究和技术服务业",
        2,
        &["科技", "检测技术", "环保科技"],
        &["技术服务部"],
    ),
    ("房地产业", 2, &["房地产开发", "物业管理"], &["房产中介部"]),
    (
        "文化、体育和娱乐业",
        2,
        &["文化传媒", "文化旅游", "体育发展"],
        &["KTV", "健身房"],
    ),
];

/// (企业类型, weight, category code, name suffix).
const ENTITY_TYPES: [(&str, u32, u8, &str); 7] = [
    ("有限责任公司（自然人投资或控股）", 35, b'1', "有限公司"),
    ("有限责任公司（自然人独资）", 15, b'1', "有限责任公司"),
    ("股份有限公司", 2, b'1', "股份有限公司"),
    ("个人独资企业", 4, b'1', "中心"),
    ("合伙企业", 2, b'1', "中心（有限合伙）"),
    ("个体工商户", 37, b'2', ""),
    ("农民专业合作社", 5, b'3', "农民专业合作社"),
];

const COOP_WORDS: [&str; 6] = [
    "蔬菜种植",
    "小麦种植",
    "畜牧养殖",
    "枸杞种植",
    "葡萄种植",
    "养蜂",
];

const TRADE_FIRST: [&str; 30] = [
    "天", "博", "北", "雪", "恒", "鑫", "金", "瑞", "宏", "昌", "丰", "润", "顺", "华", "新", "永",
    "盛", "泰", "兴", "嘉", "佳", "百", "万", "益", "和", "德", "聚", "源", "福", "康",
];
const TRADE_SECOND: [&str; 27] = [
    "池", "峰", "庭", "莲", "信", "源", "泰", "丰", "达", "盛", "泽", "通", "兴", "宇", "辉", "隆",
    "祥", "运", "安", "利", "昊", "鼎", "森", "茂", "诚", "悦", "杉",
];

const SURNAMES: [(&str, u32); 24] = [
    ("王", 30),
    ("李", 28),
    ("张", 26),
    ("刘", 20),
    ("陈", 15),
    ("杨", 12),
    ("黄", 8),
    ("赵", 8),
    ("吴", 7),
    ("周", 7),
    ("徐", 6),
    ("孙", 6),
    ("马", 9),
    ("朱", 5),
    ("胡", 5),
    ("郭", 5),
    ("何", 4),
    ("林", 4),
    ("罗", 4),
    ("高", 4),
    ("郑", 3),
    ("梁", 3),
    ("谢", 3),
    ("韩", 3),
];
const GIVEN: [&str; 40] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "建", "国", "文", "红", "海", "燕",
    "晓", "鹏", "辉", "志", "新", "春", "雪", "梅",
];
/// Uyghur and Kazakh names as written in Chinese (given name · father's name).
const MINORITY_FIRST: [&str; 10] = [
    "艾力",
    "买买提",
    "阿不都",
    "努尔兰",
    "叶尔兰",
    "古丽娜尔",
    "阿依古丽",
    "迪丽拜尔",
    "热依拉",
    "哈力木拉提",
];
const MINORITY_SECOND: [&str; 8] = [
    "吐尔逊",
    "买买提",
    "艾山",
    "哈斯木",
    "努尔兰",
    "托合提",
    "加帕尔",
    "沙吾提",
];

/// The random numbers of one chunk.
struct Rng(ChaCha20Rng);

impl Rng {
    fn new(key: [u8; 32], chunk: u64) -> Rng {
        let mut r = ChaCha20Rng::from_seed(key);
        r.set_stream(chunk);
        Rng(r)
    }

    /// A number below `n` (see the module docs).
    fn below(&mut self, n: u32) -> u32 {
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u32
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u32) as usize]
    }

    /// The index of an item chosen with the given weights.
    fn weighted<T>(&mut self, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
        let total: u32 = items.iter().map(&weight).sum();
        let mut x = self.below(total);
        for (i, item) in items.iter().enumerate() {
            let w = weight(item);
            if x < w {
                return i;
            }
            x -= w;
        }
        items.len() - 1
    }
}

fn stream_key(kind: &str, seed: &str) -> [u8; 32] {
    tagged(&format!("shuangsui/synth/1/{kind}"), &[seed.as_bytes()])
}

/// A keyed permutation of 0…31⁶−1 (four Feistel rounds on two halves of
/// 31³ values each), so that row numbers become distinct, random-looking
/// organisation codes.
struct Permutation {
    keys: [u64; 4],
}

const HALF: u64 = 29_791; // 31³

impl Permutation {
    fn new(seed: &str) -> Permutation {
        let k = tagged("shuangsui/synth/1/ids", &[seed.as_bytes()]);
        let word = |i: usize| u64::from_le_bytes(k[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]));
        Permutation {
            keys: [word(0), word(1), word(2), word(3)],
        }
    }

    fn apply(&self, x: u64) -> u64 {
        let (mut l, mut r) = (x / HALF, x % HALF);
        for k in self.keys {
            // splitmix64's finalizer as the round function.
            let mut z = r ^ k;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            (l, r) = (r, (l + z % HALF) % HALF);
        }
        l * HALF + r
    }
}

fn push_u64(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (digits.len() - i)..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(&digits[i..]);
}

fn push_person(rng: &mut Rng, buf: &mut Vec<u8>) {
    if rng.below(10) == 0 {
        buf.extend_from_slice(rng.pick(&MINORITY_FIRST).as_bytes());
        buf.extend_from_slice("·".as_bytes());
        buf.extend_from_slice(rng.pick(&MINORITY_SECOND).as_bytes());
        return;
    }
    let s = rng.weighted(&SURNAMES, |s| s.1);
    buf.extend_from_slice(SURNAMES[s].0.as_bytes());
    buf.extend_from_slice(rng.pick(&GIVEN).as_bytes());
    if rng.below(3) != 0 {
        buf.extend_from_slice(rng.pick(&GIVEN).as_bytes());
    }
}

/// Appends entity row `index` (with its line end) to `buf`.
fn entity_row(rng: &mut Rng, ids: &Permutation, index: u64, buf: &mut Vec<u8>) {
    const DIGITS: &[u8; 31] = crate::spec::uscc::ALPHABET;
    let t = rng.weighted(&ENTITY_TYPES, |t| t.1);
    let (type_name, _, category, suffix) = ENTITY_TYPES[t];
    let prefecture = rng.below(20) == 0;

    // 统一社会信用代码.
    let mut code = [0u8; 16];
    code[0] = b'9';
    code[1] = category;
    code[2..8].copy_from_slice(if prefecture { b"652300" } else { b"652302" });
    code[8] = b'M';
    code[9] = b'A';
    let mut x = ids.apply(index);
    for i in (10..16).rev() {
        code[i] = DIGITS[(x % 31) as usize];
        x /= 31;
    }
    // Every character comes from the alphabet, so completion cannot fail.
    if let Some(full) = crate::spec::uscc::complete(&code) {
        buf.extend_from_slice(&full);
    }
    buf.push(b',');

    // 企业名称.
    let ind = rng.weighted(&INDUSTRIES, |i| i.1);
    let (industry, _, company_words, shop_words) = INDUSTRIES[ind];
    let industry = if category == b'3' {
        INDUSTRIES[7].0
    } else {
        industry
    };
    buf.extend_from_slice("阜康市".as_bytes());
    buf.extend_from_slice(rng.pick(&TRADE_FIRST).as_bytes());
    buf.extend_from_slice(rng.pick(&TRADE_SECOND).as_bytes());
    match category {
        b'2' => buf.extend_from_slice(rng.pick(shop_words).as_bytes()),
        b'3' => buf.extend_from_slice(rng.pick(&COOP_WORDS).as_bytes()),
        _ => buf.extend_from_slice(rng.pick(company_words).as_bytes()),
    }
    buf.extend_from_slice(suffix.as_bytes());
    buf.push(b',');

    // 信用风险等级, 所属区域, 行业, 企业类型, 登记机关, 法定代表人.
    buf.extend_from_slice(CLASSES[rng.weighted(&CLASSES, |c| c.1)].0.as_bytes());
    buf.push(b',');
    buf.extend_from_slice(AREAS[rng.weighted(&AREAS, |a| a.1)].0.as_bytes());
    buf.push(b',');
    buf.extend_from_slice(industry.as_bytes());
    buf.push(b',');
    buf.extend_from_slice(type_name.as_bytes());
    buf.push(b',');
    buf.extend_from_slice(
        if prefecture {
            "昌吉回族自治州市场监督管理局"
        } else {
            "阜康市市场监督管理局"
        }
        .as_bytes(),
    );
    buf.push(b',');
    push_person(rng, buf);
    buf.push(b'\n');
}

/// Appends inspector row `index` (with its line end) to `buf`.
///
/// Department: `index mod 3` in [`DEPARTMENTS`] order. Every 37th inspector
/// (index ≡ 10 mod 37) is inactive (停用) and every 23rd (index ≡ 12 mod
/// 23) has a certificate that expired on 2025-12-31, so any directory of 24
/// or more rows has at least one of each.
fn inspector_row(rng: &mut Rng, index: u64, width: usize, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b"ZF652302");
    push_u64(buf, index + 1, width);
    buf.push(b',');
    push_person(rng, buf);
    buf.push(b',');
    let (department, fields) = DEPARTMENTS[(index % 3) as usize];
    buf.extend_from_slice(department.as_bytes());
    buf.push(b',');
    // Two or three distinct fields; the department's first field always.
    buf.extend_from_slice(fields[0].as_bytes());
    let extra = 1 + rng.below(2) as usize;
    let mut used = 1u32; // bit set of the fields already written
    for _ in 0..extra {
        let f = 1 + rng.below(fields.len() as u32 - 1);
        if used & (1 << f) == 0 {
            used |= 1 << f;
            buf.extend_from_slice("、".as_bytes());
            buf.extend_from_slice(fields[f as usize].as_bytes());
        }
    }
    buf.push(b',');
    buf.extend_from_slice(if index % 37 == 10 { "停用" } else { "有效" }.as_bytes());
    buf.push(b',');
    if index % 23 == 12 {
        buf.extend_from_slice(b"2025-12-31");
    } else {
        push_u64(buf, 2027 + u64::from(rng.below(4)), 4);
        buf.extend_from_slice(if rng.below(2) == 0 {
            b"-06-30"
        } else {
            b"-12-31"
        });
    }
    buf.push(b',');
    buf.extend_from_slice(AREAS[rng.weighted(&AREAS, |a| a.1)].0.as_bytes());
    buf.push(b'\n');
}

/// Which directory to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 检查对象名录库.
    Entities,
    /// 执法检查人员名录库.
    Inspectors,
}

fn io_error(e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("cannot write the synthetic directory: {e}"),
        format!("无法写出模拟名录：{e}"),
    )
}

/// Writes a synthetic directory of `count` rows (header first) to `out`.
///
/// `progress` is called now and then with the number of rows written so
/// far. Chunks are made on up to `threads` threads (at least one); the
/// bytes do not depend on `threads`.
///
/// # Errors
/// `InvalidValue` when `count` is 0 or (for entities) above
/// [`MAX_ENTITIES`]; `Io` when writing fails.
///
/// # Example
/// ```
/// use shuangsui::synth::{write, Kind};
/// let mut a = Vec::new();
/// write(Kind::Entities, "7", 100, 1, &mut a, &mut |_| {}).unwrap();
/// let mut b = Vec::new();
/// write(Kind::Entities, "7", 100, 2, &mut b, &mut |_| {}).unwrap();
/// assert_eq!(a, b);
/// let dir = shuangsui::EntityDirectory::from_csv(&a, "gen.csv").unwrap();
/// assert_eq!(dir.len(), 100);
/// assert!(dir.entities().iter().all(|e| shuangsui::uscc::is_valid(&e.id)));
/// ```
pub fn write(
    kind: Kind,
    seed: &str,
    count: u64,
    threads: usize,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    if count == 0 {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            "the row count must be at least 1",
            "行数至少为 1",
        ));
    }
    if kind == Kind::Entities && count > MAX_ENTITIES {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("at most {MAX_ENTITIES} entities can be given distinct codes; ask for fewer"),
            format!("最多只能为 {MAX_ENTITIES} 个检查对象生成互不相同的代码；请减少数量"),
        ));
    }
    let key = stream_key(
        match kind {
            Kind::Entities => "entities",
            Kind::Inspectors => "inspectors",
        },
        seed,
    );
    let ids = Permutation::new(seed);
    let width = count.to_string().len().max(5);
    let header = match kind {
        Kind::Entities => ENTITY_HEADER,
        Kind::Inspectors => INSPECTOR_HEADER,
    };
    out.write_all(header.as_bytes()).map_err(io_error)?;

    let make_chunk = |chunk: u64, buf: &mut Vec<u8>| {
        buf.clear();
        let mut rng = Rng::new(key, chunk);
        let first = chunk * CHUNK_ROWS;
        let last = (first + CHUNK_ROWS).min(count);
        for index in first..last {
            match kind {
                Kind::Entities => entity_row(&mut rng, &ids, index, buf),
                Kind::Inspectors => inspector_row(&mut rng, index, width, buf),
            }
        }
    };

    let chunks = count.div_ceil(CHUNK_ROWS);
    let threads = threads.clamp(1, 16) as u64;
    let mut buffers: Vec<Vec<u8>> = (0..threads)
        .map(|_| Vec::with_capacity(CHUNK_ROWS as usize * 160))
        .collect();
    let mut next = 0u64;
    while next < chunks {
        let round = (chunks - next).min(threads) as usize;
        if round == 1 {
            make_chunk(next, &mut buffers[0]);
        } else {
            std::thread::scope(|s| {
                for (i, buf) in buffers[..round].iter_mut().enumerate() {
                    let make_chunk = &make_chunk;
                    s.spawn(move || make_chunk(next + i as u64, buf));
                }
            });
        }
        for buf in &buffers[..round] {
            out.write_all(buf).map_err(io_error)?;
        }
        next += round as u64;
        progress((next * CHUNK_ROWS).min(count));
    }
    out.flush().map_err(io_error)?;
    Ok(())
}

/// A small synthetic directory as CSV text (for tests and the demo).
///
/// # Errors
/// As [`write()`].
pub fn csv(kind: Kind, seed: &str, count: u64) -> Result<String> {
    let mut out = Vec::new();
    write(kind, seed, count, 1, &mut out, &mut |_| {})?;
    String::from_utf8(out).map_err(|_| {
        Error::new(
            ErrorKind::InvalidText,
            "not UTF-8",
            "生成的文字不是 UTF-8 编码",
        )
    })
}

/// The whole job on built-in sample data: what `shuangsui demo` shows.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The entity directory (检查对象名录库), CSV.
    pub entities_csv: String,
    /// The inspector directory (执法检查人员名录库), CSV.
    pub inspectors_csv: String,
    /// The task file (抽查任务), TOML.
    pub task_toml: String,
    /// The seed as given on the command line, e.g. `lottery:3 0 7`.
    pub seed_args: Vec<String>,
    /// The announcement (抽查公告) published before the seed.
    pub announcement: crate::Announcement,
    /// The draw record (抽取记录).
    pub record: crate::DrawRecord,
    /// The result of verifying the record against the directories.
    pub verification: crate::Verification,
    /// The result table (抽查结果), CSV for Excel.
    pub result_csv: String,
    /// The public notice (抽查结果公告), HTML.
    pub notice_html: String,
}

/// The seed text of the demo's sample data.
pub const DEMO_DATA_SEED: &str = "阜康市演示数据";
/// Entities in the demo.
pub const DEMO_ENTITIES: u64 = 300;
/// Inspectors in the demo: 8 in each of the three departments.
pub const DEMO_INSPECTORS: u64 = 24;
/// The demo's seed: the numbers of a 福彩3D draw.
pub const DEMO_SEED: &str = "3 0 7";
/// Where the demo's seed comes from, as announced.
pub const DEMO_SEED_SOURCE: &str = "福彩3D 第2026318期（2026-11-30 开奖）";

/// The day the demo's announcement is published (before the lottery draw
/// that gives its seed).
pub const DEMO_PUBLISHED: &str = "2026-11-29";

/// Runs the demo: makes the sample directories, a task with credit-class
/// strata (信用风险等级) and a joint team of two departments with
/// cross-area and conflict rules, announces it, draws with [`DEMO_SEED`],
/// verifies, and renders the result table and notice.
///
/// # Errors
/// None in practice: any error means the demo itself is broken.
pub fn demo() -> Result<Demo> {
    let entities_csv = csv(Kind::Entities, DEMO_DATA_SEED, DEMO_ENTITIES)?;
    let inspectors_csv = csv(Kind::Inspectors, DEMO_DATA_SEED, DEMO_INSPECTORS)?;
    let entities = EntityDirectory::from_csv(entities_csv.as_bytes(), "entities.csv")?;
    let inspectors = InspectorDirectory::from_csv(inspectors_csv.as_bytes(), "inspectors.csv")?;

    // Conflicts of interest (回避): two D-class entities, which the task
    // draws at 100%, each with an inspector of the first department.
    let d_class: Vec<&str> = entities
        .entities()
        .iter()
        .filter(|e| e.attribute("信用风险等级") == Some("D"))
        .map(|e| e.id.as_str())
        .take(2)
        .collect();
    let conflict_inspectors = ["ZF65230200001", "ZF65230200004"];
    let conflicts: Vec<String> = d_class
        .iter()
        .zip(conflict_inspectors)
        .map(|(e, i)| format!("  {{ entity = \"{e}\", inspector = \"{i}\" }},\n"))
        .collect();
    let (dept_a, dept_b) = (DEPARTMENTS[0].0, DEPARTMENTS[1].0);
    let task_toml = format!(
        r#"# 抽查任务 (task) of the shuangsui demo: see SPEC.md §5.3 for every key.
name = "2026年第四季度阜康市市场主体双随机抽查（演示）"
item = "企业公示信息及经营行为检查"
departments = ["{dept_a}", "{dept_b}"]
draw_date = 2026-12-01
# 分层 by credit class (信用风险等级): at least these shares of each class.
strata_by = {{ attribute = "信用风险等级", ratios = {{ A = "3%", B = "5%", C = "10%", D = "100%" }} }}

# 随机种子 (seed): exactly which public result will be the seed, fixed in
# the announcement before it exists (SPEC.md §6.2).
[[seed]]
lottery = "福彩3D"
issue = "2026318"
date = 2026-11-30

[team]
size = 2
# 异地交叉检查: nobody inspects an entity of their own town or street.
avoid_same = ["所属区域"]
# 回避: declared conflicts of interest.
conflicts = [
{}]

# 跨部门联合抽查: one inspector from each department.
[[team.departments]]
name = "{dept_a}"
count = 1

[[team.departments]]
name = "{dept_b}"
count = 1
"#,
        conflicts.concat()
    );
    let task = crate::TaskFile::parse(&task_toml, "task.toml")?;
    let exclusions = task.exclusions;
    let announcement = crate::announce(
        &task.task,
        &entities,
        &inspectors,
        &exclusions,
        &task.seed_forms,
        DEMO_PUBLISHED,
    )?;
    let seed = crate::read_seed(&announcement, &[DEMO_SEED.to_string()])?;
    let record = crate::draw(&crate::DrawInputs {
        task: &task.task,
        entities: &entities,
        inspectors: &inspectors,
        exclusions: &exclusions,
        seed: &seed,
        announcement: crate::Announced::By(&announcement),
    })?;
    let verification = crate::verify(
        &record.to_json_pretty(),
        &entities,
        &inspectors,
        &exclusions,
    )?;
    Ok(Demo {
        result_csv: crate::publish::result_csv(&record),
        notice_html: crate::publish::notice_html(&record),
        entities_csv,
        inspectors_csv,
        task_toml,
        seed_args: vec![DEMO_SEED.to_string()],
        announcement,
        record,
        verification,
    })
}

/// The demo's plan (年度抽查计划, SPEC §17): three tasks of two departments
/// over the demo directories, in two batches, each batch with its own
/// seed. Both tasks of the first batch draw every D-class entity, so those
/// entities get one joint visit (联合检查) each.
pub const DEMO_PLAN_TOML: &str = r#"# 抽查计划 (plan) of the shuangsui demo: see SPEC.md §17.1 for every key.
plan = "阜康市2027年度双随机抽查计划（演示）"
entities_file = "entities.csv"      # shared by every task
inspectors_file = "inspectors.csv"

[[batch]]
name = "第一批次"
draw_date = 2027-03-16
[[batch.seed]]                      # this batch's own seed, announced before it exists
lottery = "福彩3D"
issue = "2027066"
date = 2027-03-15

[[batch.task]]
name = "2027年第一批次企业公示信息抽查（演示）"
item = "企业公示信息检查"
departments = ["阜康市市场监督管理局"]
fields = ["市场秩序"]
strata_by = { attribute = "信用风险等级", ratios = { A = "3%", B = "5%", C = "10%", D = "100%" } }
team = { size = 2, avoid_same = ["所属区域"] }

[[batch.task]]
name = "2027年第一批次商务领域经营行为抽查（演示）"
item = "商务领域经营行为检查"
departments = ["阜康市商务和工业信息化局"]
fields = ["商务执法"]
strata_by = { attribute = "信用风险等级", ratios = { A = "2%", B = "4%", C = "10%", D = "100%" } }
team = { size = 2 }

[[batch]]
name = "第二批次"
draw_date = 2027-06-16
[[batch.seed]]
lottery = "福彩3D"
issue = "2027157"
date = 2027-06-15

[[batch.task]]
name = "2027年第二批次市场秩序抽查（演示）"
item = "经营行为检查"
departments = ["阜康市市场监督管理局"]
fields = ["市场秩序"]
strata_by = { attribute = "信用风险等级", ratios = { A = "3%", B = "5%", C = "10%", D = "50%" } }
"#;

/// Each batch of [`DEMO_PLAN_TOML`]: the day its announcement is
/// published and its seed, as the lottery published it.
pub const DEMO_PLAN_BATCHES: [(&str, &str); 2] = [("2027-03-10", "3 0 7"), ("2027-06-09", "5 2 1")];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_is_a_bijection_on_a_sample() {
        let p = Permutation::new("x");
        let mut seen = std::collections::HashSet::new();
        for i in 0..200_000u64 {
            let y = p.apply(i);
            assert!(y < MAX_ENTITIES);
            assert!(seen.insert(y), "collision at {i}");
        }
    }

    #[test]
    fn entities_are_valid_and_deterministic() {
        let a = csv(Kind::Entities, "s", 3000).unwrap();
        assert_eq!(a, csv(Kind::Entities, "s", 3000).unwrap());
        assert_ne!(a, csv(Kind::Entities, "t", 3000).unwrap());
        let dir = EntityDirectory::from_csv(a.as_bytes(), "e.csv").unwrap();
        assert_eq!(dir.len(), 3000);
        let mut classes = [0u32; 4];
        for e in dir.entities() {
            assert!(crate::spec::uscc::is_valid(&e.id), "{}", e.id);
            let c = e.attribute("信用风险等级").unwrap();
            classes[(c.as_bytes()[0] - b'A') as usize] += 1;
        }
        // A 30%, B 50%, C 15%, D 5%, within a generous margin.
        assert!((750..1050).contains(&classes[0]), "{classes:?}");
        assert!((1350..1650).contains(&classes[1]), "{classes:?}");
        assert!((80..220).contains(&classes[3]), "{classes:?}");
    }

    #[test]
    fn chunks_do_not_depend_on_threads() {
        let n = CHUNK_ROWS * 3 + 17;
        let mut a = Vec::new();
        write(Kind::Entities, "q", n, 1, &mut a, &mut |_| {}).unwrap();
        let mut b = Vec::new();
        write(Kind::Entities, "q", n, 3, &mut b, &mut |_| {}).unwrap();
        assert!(a == b);
        assert_eq!(a.iter().filter(|&&c| c == b'\n').count() as u64, n + 1);
    }

    #[test]
    fn inspectors_load() {
        let s = csv(Kind::Inspectors, "s", 24).unwrap();
        let dir = InspectorDirectory::from_csv(s.as_bytes(), "i.csv").unwrap();
        assert_eq!(dir.len(), 24);
        let inactive = dir
            .inspectors()
            .iter()
            .filter(|i| i.status == crate::Status::Inactive)
            .count();
        let expired = dir
            .inspectors()
            .iter()
            .filter(|i| i.expiry.as_deref() == Some("2025-12-31"))
            .count();
        assert_eq!((inactive, expired), (1, 1));
    }

    #[test]
    fn demo_runs_and_verifies() {
        let d = demo().unwrap();
        assert_eq!(d.verification, crate::Verification::Reproduced);
        assert!(!d.record.draws.is_empty());
        assert!(d.record.announcement_digest.is_some());
        assert!(d.task_toml.contains("conflicts"));
    }
}
