//! Each shipped year, day by day, against its notice.
//!
//! The tables below are written from the notices' own wording (ranges such
//! as "2月15日至23日放假调休" and the listed 上班 days), independently of the
//! data files' one-row-per-day form. Every day of the year that a table does
//! not name must be an ordinary working day (Monday–Friday) or weekend.

use std::collections::BTreeSet;

use shuangsui::calendar::{Date, DayKind, WorkingDayCalendar};

struct Notice {
    year: i32,
    /// Inclusive ranges of days off, "YYYY-MM-DD".
    off: &'static [(&'static str, &'static str)],
    /// Make-up working days.
    work: &'static [&'static str],
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn expand(notice: &Notice) -> (BTreeSet<Date>, BTreeSet<Date>) {
    let mut off = BTreeSet::new();
    for (a, b) in notice.off {
        let (mut x, b) = (d(a), d(b));
        assert!(x <= b);
        while x <= b {
            off.insert(x);
            x = x.succ();
        }
    }
    let work: BTreeSet<Date> = notice.work.iter().map(|s| d(s)).collect();
    assert!(off.is_disjoint(&work), "{}", notice.year);
    (off, work)
}

fn check(cal: &WorkingDayCalendar, notices: &[&Notice]) {
    let mut off = BTreeSet::new();
    let mut work = BTreeSet::new();
    for n in notices {
        let (o, w) = expand(n);
        off.extend(o);
        work.extend(w);
    }
    let year = notices[0].year;
    let mut date = Date::new(year, 1, 1).unwrap();
    let end = Date::new(year, 12, 31).unwrap();
    let mut checked = 0;
    while date <= end {
        let day = cal.day(date).unwrap();
        let want = if off.contains(&date) {
            DayKind::HolidayOff
        } else if work.contains(&date) {
            assert!(date.weekday().is_weekend(), "{date} 上班 on a weekday?");
            DayKind::MakeUpWorking
        } else if date.weekday().is_weekend() {
            DayKind::Weekend
        } else {
            DayKind::Working
        };
        assert_eq!(day.kind, want, "{date}");
        if want == DayKind::HolidayOff || want == DayKind::MakeUpWorking {
            assert!(day.name.is_some() && day.notice.is_some(), "{date}");
        }
        checked += 1;
        date = date.succ();
    }
    assert!(checked == 365 || checked == 366);
}

// 国办发明电〔2017〕12号, plus 2018-12-29..31 from the 2019 notice.
const Y2018: Notice = Notice {
    year: 2018,
    off: &[
        ("2018-01-01", "2018-01-01"),
        ("2018-02-15", "2018-02-21"),
        ("2018-04-05", "2018-04-07"),
        ("2018-04-29", "2018-05-01"),
        ("2018-06-18", "2018-06-18"),
        ("2018-09-24", "2018-09-24"),
        ("2018-10-01", "2018-10-07"),
        ("2018-12-30", "2018-12-31"),
    ],
    work: &[
        "2018-02-11",
        "2018-02-24",
        "2018-04-08",
        "2018-04-28",
        "2018-09-29",
        "2018-09-30",
        "2018-12-29",
    ],
};

// 国办发明电〔2018〕15号 as amended by 国办发明电〔2019〕3号 (劳动节 5月1日至4日).
const Y2019: Notice = Notice {
    year: 2019,
    off: &[
        ("2019-01-01", "2019-01-01"),
        ("2019-02-04", "2019-02-10"),
        ("2019-04-05", "2019-04-05"),
        ("2019-05-01", "2019-05-04"),
        ("2019-06-07", "2019-06-07"),
        ("2019-09-13", "2019-09-13"),
        ("2019-10-01", "2019-10-07"),
    ],
    work: &[
        "2019-02-02",
        "2019-02-03",
        "2019-04-28",
        "2019-05-05",
        "2019-09-29",
        "2019-10-12",
    ],
};

// 国办发明电〔2019〕16号, extended by 国办发明电〔2020〕1号 (春节 to 2月2日).
const Y2020: Notice = Notice {
    year: 2020,
    off: &[
        ("2020-01-01", "2020-01-01"),
        ("2020-01-24", "2020-02-02"),
        ("2020-04-04", "2020-04-06"),
        ("2020-05-01", "2020-05-05"),
        ("2020-06-25", "2020-06-27"),
        ("2020-10-01", "2020-10-08"),
    ],
    work: &[
        "2020-01-19",
        "2020-04-26",
        "2020-05-09",
        "2020-06-28",
        "2020-09-27",
        "2020-10-10",
    ],
};

// 国办发明电〔2020〕27号
const Y2021: Notice = Notice {
    year: 2021,
    off: &[
        ("2021-01-01", "2021-01-03"),
        ("2021-02-11", "2021-02-17"),
        ("2021-04-03", "2021-04-05"),
        ("2021-05-01", "2021-05-05"),
        ("2021-06-12", "2021-06-14"),
        ("2021-09-19", "2021-09-21"),
        ("2021-10-01", "2021-10-07"),
    ],
    work: &[
        "2021-02-07",
        "2021-02-20",
        "2021-04-25",
        "2021-05-08",
        "2021-09-18",
        "2021-09-26",
        "2021-10-09",
    ],
};

// 国办发明电〔2021〕11号, plus 2022-12-31 from the 2023 notice.
const Y2022: Notice = Notice {
    year: 2022,
    off: &[
        ("2022-01-01", "2022-01-03"),
        ("2022-01-31", "2022-02-06"),
        ("2022-04-03", "2022-04-05"),
        ("2022-04-30", "2022-05-04"),
        ("2022-06-03", "2022-06-05"),
        ("2022-09-10", "2022-09-12"),
        ("2022-10-01", "2022-10-07"),
        ("2022-12-31", "2022-12-31"),
    ],
    work: &[
        "2022-01-29",
        "2022-01-30",
        "2022-04-02",
        "2022-04-24",
        "2022-05-07",
        "2022-10-08",
        "2022-10-09",
    ],
};

// 国办发明电〔2022〕16号
const Y2023: Notice = Notice {
    year: 2023,
    off: &[
        ("2023-01-01", "2023-01-02"),
        ("2023-01-21", "2023-01-27"),
        ("2023-04-05", "2023-04-05"),
        ("2023-04-29", "2023-05-03"),
        ("2023-06-22", "2023-06-24"),
        ("2023-09-29", "2023-10-06"),
    ],
    work: &[
        "2023-01-28",
        "2023-01-29",
        "2023-04-23",
        "2023-05-06",
        "2023-06-25",
        "2023-10-07",
        "2023-10-08",
    ],
};

// 国办发明电〔2023〕7号
const Y2024: Notice = Notice {
    year: 2024,
    off: &[
        ("2024-01-01", "2024-01-01"),
        ("2024-02-10", "2024-02-17"),
        ("2024-04-04", "2024-04-06"),
        ("2024-05-01", "2024-05-05"),
        ("2024-06-10", "2024-06-10"),
        ("2024-09-15", "2024-09-17"),
        ("2024-10-01", "2024-10-07"),
    ],
    work: &[
        "2024-02-04",
        "2024-02-18",
        "2024-04-07",
        "2024-04-28",
        "2024-05-11",
        "2024-09-14",
        "2024-09-29",
        "2024-10-12",
    ],
};

// 国办发明电〔2024〕12号 (first year of the 2024 revision: 春节, 劳动节 +1 day)
const Y2025: Notice = Notice {
    year: 2025,
    off: &[
        ("2025-01-01", "2025-01-01"),
        ("2025-01-28", "2025-02-04"),
        ("2025-04-04", "2025-04-06"),
        ("2025-05-01", "2025-05-05"),
        ("2025-05-31", "2025-06-02"),
        ("2025-10-01", "2025-10-08"),
    ],
    work: &[
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
    ],
};

// 国办发明电〔2025〕7号
const Y2026: Notice = Notice {
    year: 2026,
    off: &[
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
    ],
    work: &[
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ],
};

const ALL: [&Notice; 9] = [
    &Y2018, &Y2019, &Y2020, &Y2021, &Y2022, &Y2023, &Y2024, &Y2025, &Y2026,
];

#[test]
fn national_years_day_by_day() {
    let cal = WorkingDayCalendar::national().unwrap();
    for n in ALL {
        check(&cal, &[n]);
    }
    assert_eq!(cal.covered_years(), (2018..=2026).collect::<Vec<_>>());
}

#[test]
fn days_off_per_year_match_the_holiday_law() {
    // Make-up working days only move rest days around, so weekday days off
    // minus weekend working days equals the legal holidays of the year: 11
    // before 2025, 13 from 2025 (全国年节及纪念日放假办法, 2024 revision).
    // 2020's epidemic extension added 1-31 and cancelled the 2-1 make-up day.
    let cal = WorkingDayCalendar::national().unwrap();
    let mut counts = Vec::new();
    for year in 2019..=2026 {
        let mut n = 0;
        let mut x = Date::new(year, 1, 1).unwrap();
        while x.year() == year {
            let day = cal.day(x).unwrap();
            if !x.weekday().is_weekend() && !day.is_working() {
                n += 1;
            }
            if x.weekday().is_weekend() && day.is_working() {
                n -= 1;
            }
            x = x.succ();
        }
        counts.push((year, n));
    }
    // Net extra days off (weekday holidays minus make-up days) per year.
    assert_eq!(
        counts,
        [
            (2019, 11),
            (2020, 13),
            (2021, 11),
            (2022, 11),
            (2023, 11),
            (2024, 11),
            (2025, 13),
            (2026, 13),
        ]
    );
}

// 新疆维吾尔自治区人民政府办公厅, yearly holiday notices.
const XJ2022: Notice = Notice {
    year: 2022,
    off: &[("2022-05-05", "2022-05-05"), ("2022-07-09", "2022-07-13")],
    work: &[],
};
const XJ2023: Notice = Notice {
    year: 2023,
    off: &[("2023-04-21", "2023-04-21"), ("2023-06-28", "2023-06-30")],
    work: &[],
};
// 2024 from a state news agency report (肉孜节) and two secondary sources
// (古尔邦节); 2026 from the state broadcaster's text of the notice.
const XJ2024: Notice = Notice {
    year: 2024,
    off: &[("2024-04-10", "2024-04-10"), ("2024-06-17", "2024-06-19")],
    work: &[],
};
const XJ2025: Notice = Notice {
    year: 2025,
    off: &[("2025-03-29", "2025-03-31"), ("2025-06-06", "2025-06-10")],
    work: &[],
};
const XJ2026: Notice = Notice {
    year: 2026,
    off: &[("2026-03-20", "2026-03-22"), ("2026-05-27", "2026-05-31")],
    work: &[],
};

#[test]
fn xinjiang_years_day_by_day() {
    let cal = WorkingDayCalendar::load(Some("xinjiang"), &[]).unwrap();
    check(&cal, &[&Y2022, &XJ2022]);
    check(&cal, &[&Y2023, &XJ2023]);
    check(&cal, &[&Y2024, &XJ2024]);
    check(&cal, &[&Y2025, &XJ2025]);
    check(&cal, &[&Y2026, &XJ2026]);
    assert_eq!(cal.covered_years(), [2022, 2023, 2024, 2025, 2026]);
    let day = cal.day(d("2025-06-09")).unwrap();
    assert_eq!(day.name.as_deref(), Some("古尔邦节"));
}
