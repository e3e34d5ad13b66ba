//! Reading holiday notices (SPEC §16.7): the real texts of the national
//! notices 2018–2026 and their amendments must reproduce the shipped
//! calendar files day for day; Xinjiang's notices their regional files; a
//! text read only in part is refused.

use std::collections::BTreeSet;

use shuangsui::calendar::{
    import_notice, import_notices, parse_calendar_file, shipped_files, Date, DayKind, EntryKind,
    UserCalendar, WorkingDayCalendar,
};
use shuangsui::ErrorKind;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/notices/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn shipped(name: &str) -> &'static str {
    shipped_files()
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} is not shipped"))
        .1
}

type Row = (Date, &'static str, String, String);

fn kind(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Off => "off",
        EntryKind::Work => "work",
        EntryKind::Cancel => "cancel",
    }
}

/// Every (date, kind, name, notice) row of a calendar file's text.
fn rows(name: &str, text: &str) -> BTreeSet<Row> {
    parse_calendar_file(name, text)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| (e.date, kind(e.kind), e.name, e.notice))
        .collect()
}

fn first_source(text: &str) -> &str {
    text.lines().find(|l| l.starts_with("# source:")).unwrap()
}

/// The import of `notices` equals the shipped `file`: every row, and the
/// header directives; the file it writes parses back to the same rows.
fn assert_reproduces(notices: &[&str], file: &str) {
    let texts: Vec<String> = notices.iter().map(|n| fixture(n)).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let cal = import_notices(&refs).unwrap_or_else(|e| panic!("{notices:?}: {e}"));
    let out = cal.to_file_text();
    let want = rows(file, shipped(file));
    let got = rows("imported", &out);
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{file}: missing {missing:#?}\nextra {extra:#?}"
    );
    let shipped_file = parse_calendar_file(file, shipped(file)).unwrap();
    let imported = parse_calendar_file("imported", &out).unwrap();
    assert_eq!(imported.region, shipped_file.region, "{file}");
    assert_eq!(imported.covers, shipped_file.covers, "{file}");
    assert_eq!(cal.file_name(), file);
}

#[test]
fn national_2018() {
    assert_reproduces(&["cn-2018.txt"], "cn-2018.csv");
}

#[test]
fn national_2019_with_the_labour_day_amendment() {
    assert_reproduces(&["cn-2019.txt", "cn-2019-amend-3.txt"], "cn-2019.csv");
}

#[test]
fn national_2020_with_the_spring_festival_extension() {
    assert_reproduces(&["cn-2020.txt", "cn-2020-amend-1.txt"], "cn-2020.csv");
}

#[test]
fn national_2021() {
    assert_reproduces(&["cn-2021.txt"], "cn-2021.csv");
}

#[test]
fn national_2022() {
    assert_reproduces(&["cn-2022.txt"], "cn-2022.csv");
}

#[test]
fn national_2023() {
    assert_reproduces(&["cn-2023.txt"], "cn-2023.csv");
}

#[test]
fn national_2024() {
    assert_reproduces(&["cn-2024.txt"], "cn-2024.csv");
}

#[test]
fn national_2025() {
    assert_reproduces(&["cn-2025.txt"], "cn-2025.csv");
}

#[test]
fn national_2026() {
    assert_reproduces(&["cn-2026.txt"], "cn-2026.csv");
}

#[test]
fn xinjiang_2022_2023_and_2025() {
    assert_reproduces(&["xinjiang-2022.txt"], "xinjiang-2022.csv");
    assert_reproduces(&["xinjiang-2023.txt"], "xinjiang-2023.csv");
    assert_reproduces(&["xinjiang-2025.txt"], "xinjiang-2025.csv");
}

/// The source line carries title, 文号 and 落款 date, as the shipped files
/// write it (the yearly notices; the amendments' lines add a summary).
#[test]
fn source_lines_match_the_shipped_files() {
    for year in 2018..=2026 {
        let cal = import_notice(&fixture(&format!("cn-{year}.txt"))).unwrap();
        let file = format!("cn-{year}.csv");
        assert_eq!(
            first_source(&cal.to_file_text()),
            first_source(shipped(&file)),
            "{file}"
        );
    }
}

#[test]
fn the_amendments_apply_only_after_their_yearly_notice() {
    let e = import_notice(&fixture("cn-2019-amend-3.txt")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert!(
        e.message_zh().contains("请先给出 2019 年的节假日安排通知"),
        "{e}"
    );
    let e =
        import_notices(&[&fixture("cn-2018.txt"), &fixture("cn-2019-amend-3.txt")]).unwrap_err();
    assert!(e.message().contains("is about 2019"), "{e}");
}

/// Half-width punctuation (web copies), indentation and a paste that lost
/// its line breaks read the same.
#[test]
fn half_width_and_one_line_copies_read_the_same() {
    let text = fixture("cn-2024.txt");
    let want = import_notice(&text).unwrap().entries;
    let half = text
        .replace('：', ":")
        .replace('，', ",")
        .replace('（', "(")
        .replace('）', ")");
    assert_eq!(import_notice(&half).unwrap().entries, want);
    let one_line: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("");
    assert_eq!(import_notice(&one_line).unwrap().entries, want);
}

fn refused(text: &str) -> String {
    let e = import_notice(text).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue, "{e}");
    format!("{} | {}", e.message(), e.message_zh())
}

#[test]
fn a_wrong_weekday_is_refused_naming_the_item() {
    let text = fixture("cn-2026.txt").replace("5月9日（周六）", "5月9日（周日）");
    let m = refused(&text);
    assert!(m.contains("第“四”项"), "{m}");
    assert!(m.contains("2026-05-09 是星期六，通知却写作星期日"), "{m}");
}

#[test]
fn a_count_that_does_not_match_the_span_is_refused() {
    let text = fixture("cn-2024.txt").replace(
        "2月10日至17日放假调休，共8天",
        "2月10日至17日放假调休，共9天",
    );
    let m = refused(&text);
    assert!(m.contains("第“二”项"), "{m}");
    assert!(
        m.contains("通知写共 9 天，但 2024-02-10 至 2024-02-17 是 8 天"),
        "{m}"
    );
}

#[test]
fn words_not_understood_are_refused() {
    let text = fixture("cn-2024.txt").replace("4月7日（星期日）上班", "4月7日（星期日）照常上班");
    let m = refused(&text);
    assert!(m.contains("第“三”项无法采用"), "{m}");
    assert!(m.contains("4月7日（星期日）照常上班"), "{m}");
    let text = fixture("cn-2024.txt").replace("（星期六）上班", "（礼拜六）上班");
    assert!(refused(&text).contains("括号中的文字"));
}

#[test]
fn a_truncated_notice_is_refused() {
    let full = fixture("cn-2025.txt");
    // Cut in the middle of item 六: no 落款, and 国庆节 has no item.
    let cut = &full[..full.find("六、").unwrap() + "六、国庆节、中秋节：10月1日".len()];
    let m = refused(cut);
    assert!(m.contains("落款"), "{m}");
    // Items missing but the signature kept: the preamble's list catches it.
    let start = full.find("六、").unwrap();
    let end = full.find("节假日期间").unwrap();
    let gap = format!("{}{}", &full[..start], &full[end..]);
    let m = refused(&gap);
    assert!(
        m.contains("开头列出了中秋节") && m.contains("文字似乎不完整"),
        "{m}"
    );
    // An item in the middle missing: the numbering catches it.
    let start = full.find("三、").unwrap();
    let end = full.find("四、").unwrap();
    let m = refused(&format!("{}{}", &full[..start], &full[end..]));
    assert!(m.contains("第“四”项前缺了一项"), "{m}");
}

#[test]
fn no_number_or_no_title_is_refused() {
    let m = refused(&fixture("cn-2024.txt").replace("国办发明电〔2023〕7号", ""));
    assert!(m.contains("文号"), "{m}");
    let m = refused("一、元旦：1月1日放假。\n");
    assert!(m.contains("不是节假日安排通知"), "{m}");
}

/// The done-test of the issue: a 2027 notice in the 2026 style imports; a
/// deadline across the new year then computes, and fails without it.
#[test]
fn a_2027_notice_makes_2027_deadlines_computable() {
    let cal = import_notice(&fixture("cn-2027-test.txt")).unwrap();
    assert_eq!(cal.year, 2027);
    let text = cal.to_file_text();
    let user = [UserCalendar {
        name: "cn-2027.csv",
        text: &text,
    }];
    let wdc = WorkingDayCalendar::load(None, &user).unwrap();
    let start = Date::parse("2026-12-28").unwrap();
    let due = wdc.add_working_days(start, 7).unwrap().due;
    // 12-29, 12-30, 12-31, then 元旦 1-1..1-3 off: 1-4 … 1-7.
    assert_eq!(due, Date::parse("2027-01-07").unwrap());
    let national = WorkingDayCalendar::national().unwrap();
    assert_eq!(
        national.add_working_days(start, 7).unwrap_err().kind(),
        ErrorKind::CalendarUncovered
    );
    let grids = cal.month_grids().unwrap();
    let months: Vec<u32> = grids.iter().map(|g| g.month).collect();
    assert_eq!(months, [1, 2, 4, 5, 6, 9, 10]);
    let summary = cal.holidays();
    let spring = summary.iter().find(|h| h.name == "春节").unwrap();
    assert_eq!((spring.off, spring.work), (8, 1));
}

/// 2014: Xinjiang cancelled the national make-up days 9-28 and 10-11 and
/// added 10-8 off (国庆节 and 古尔邦节 together). The import writes `cancel`
/// rows; loaded over a national 2014 file they revert to weekend days.
#[test]
fn xinjiang_2014_cancels_national_make_up_days() {
    let cal = import_notice(&fixture("xinjiang-2014.txt")).unwrap();
    assert_eq!(cal.region, "xinjiang");
    let text = cal.to_file_text();
    assert!(
        text.contains("2014-09-28,cancel,国庆节、古尔邦节,"),
        "{text}"
    );
    assert!(text.contains("2014-10-11,cancel,"), "{text}");
    assert!(text.contains("2014-10-08,off,"), "{text}");
    // The national arrangement of 2014 (国办发明电〔2013〕28号) for 国庆节.
    let national = "# covers: 2014\ndate,kind,name\n2014-09-28,work,国庆节\n\
        2014-10-01,off,国庆节\n2014-10-02,off,国庆节\n2014-10-03,off,国庆节\n\
        2014-10-04,off,国庆节\n2014-10-05,off,国庆节\n2014-10-06,off,国庆节\n\
        2014-10-07,off,国庆节\n2014-10-11,work,国庆节\n";
    let layers = [
        UserCalendar {
            name: "cn-2014.csv",
            text: national,
        },
        UserCalendar {
            name: "xinjiang-2014.csv",
            text: &text,
        },
    ];
    let xj = WorkingDayCalendar::load(Some("xinjiang"), &layers).unwrap();
    let day = |s: &str| xj.day(Date::parse(s).unwrap()).unwrap().kind;
    assert_eq!(day("2014-09-28"), DayKind::Weekend);
    assert_eq!(day("2014-10-11"), DayKind::Weekend);
    assert_eq!(day("2014-10-08"), DayKind::HolidayOff);
    let cn = WorkingDayCalendar::load(None, &layers[..1]).unwrap();
    assert_eq!(
        cn.day(Date::parse("2014-09-28").unwrap()).unwrap().kind,
        DayKind::MakeUpWorking
    );
    // Without the national make-up day under it, `cancel` is an error.
    let e = WorkingDayCalendar::load(Some("xinjiang"), &layers[1..]).unwrap_err();
    assert!(e.message_zh().contains("没有调休上班日"), "{e}");
}

/// Every prefix of every fixture (a paste cut anywhere) gives a calendar or
/// an error, never a panic; a cut national notice is never a calendar.
#[test]
fn a_paste_cut_anywhere_never_panics() {
    let dir = format!("{}/tests/fixtures/notices", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let text = fixture(&name);
        let body = text.find('\n').unwrap() + 1;
        // The 落款 date is the last line: any cut before it is refused.
        let last_line = text.trim_end().rfind('\n').unwrap();
        for (cut, _) in text.char_indices().step_by(3) {
            let r = import_notice(&text[..cut]);
            if name.starts_with("cn-") && cut > body && cut <= last_line {
                assert!(r.is_err(), "{name} cut at {cut} was accepted");
            }
        }
    }
    let e = import_notice(&fixture("cn-2024.txt").replace("2月10日至17日", "2月10日至3月17日"))
        .unwrap_err();
    assert!(e.message_zh().contains("不合常理"), "{e}");
}

/// A Wikisource page copied whole, header and licence included, with its
/// half-width punctuation: the same calendar as the notice alone.
#[test]
fn a_wikisource_page_copied_whole_reads_the_same() {
    let page = "国务院办公厅关于2024年部分节假日安排的通知\n\n維基文庫,自由的圖書館\n\
        2023年 国务院办公厅关于2024年部分节假日安排的通知\n国办发明电〔2023〕7号\n2023年10月25日\n\
        发布机关:中华人民共和国国务院办公厅\n本作品收錄於《中华人民共和国国务院公报/2023年/第31号\n\
        国务院办公厅关于2024年\n部分节假日安排的通知\n国办发明电〔2023〕7号\n\n\
        各省、自治区、直辖市人民政府,国务院各部委、各直属机构:\n\n\
        经国务院批准,现将2024年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。\n\n\
        一、元旦:1月1日放假,与周末连休。\n\n\
        二、春节:2月10日至17日放假调休,共8天。2月4日(星期日)、2月18日(星期日)上班。鼓励各单位结合带薪年休假等制度落实,安排职工在除夕(2月9日)休息。\n\n\
        三、清明节:4月4日至6日放假调休,共3天。4月7日(星期日)上班。\n\n\
        四、劳动节:5月1日至5日放假调休,共5天。4月28日(星期日)、5月11日(星期六)上班。\n\n\
        五、端午节:6月10日放假,与周末连休。\n\n\
        六、中秋节:9月15日至17日放假调休,共3天。9月14日(星期六)上班。\n\n\
        七、国庆节:10月1日至7日放假调休,共7天。9月29日(星期日)、10月12日(星期六)上班。\n\n\
        节假日期间,各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作,遇有重大突发事件,要按规定及时报告并妥善处置,确保人民群众祥和平安度过节日假期。\n\n\
        国务院办公厅\n2023年10月25日\n\n\n\
        本作品是中华人民共和国的法律法规,国家机关的决议、决定、命令和其他具有立法、行政、司法性质的文件,及其官方正式译文。根据《中华人民共和国著作权法》第五条,本作品不适用于该法,在中国大陆和其他地区属于公有领域\n";
    let got = import_notice(page).unwrap();
    let want = import_notice(&fixture("cn-2024.txt")).unwrap();
    assert_eq!(got.entries, want.entries);
    assert_eq!(got.notices, want.notices);
}
