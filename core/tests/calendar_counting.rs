//! Counting periods: the pinned examples of SPEC.md §16, the
//! properties every count must have, and coverage errors.

use proptest::prelude::*;
use shuangsui::calendar::{
    Date, DayKind, Period, Rule, StartEvent, UserCalendar, WorkingDayCalendar,
};
use shuangsui::ErrorKind;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn national() -> WorkingDayCalendar {
    WorkingDayCalendar::national().unwrap()
}

#[test]
fn pinned_working_day_examples() {
    let cal = national();
    for (start, due) in [
        ("2026-09-28", "2026-10-13"),
        ("2026-02-13", "2026-03-02"),
        ("2026-10-03", "2026-10-15"),
    ] {
        let dl = cal.add_working_days(d(start), 7).unwrap();
        assert_eq!(dl.due, d(due), "{start}");
    }
    // The 2026-02-13 count passes 春节 (02-15..23), the 02-14 and 02-28
    // make-up Saturdays are counted, 03-01 (Sunday) is skipped.
    let dl = cal.add_working_days(d("2026-02-13"), 7).unwrap();
    let skipped: Vec<String> = dl.skipped.iter().map(|x| x.date.to_string()).collect();
    let mut want: Vec<String> = (15..=23).map(|n| format!("2026-02-{n:02}")).collect();
    want.push("2026-03-01".into());
    assert_eq!(skipped, want);
    assert_eq!(dl.skipped_holidays(), ["春节"]);
    assert!(dl.skipped[..9]
        .iter()
        .all(|x| x.kind == DayKind::HolidayOff));
    assert_eq!(dl.skipped[9].kind, DayKind::Weekend);
}

#[test]
fn start_on_a_day_off_counts_from_the_next_working_day() {
    let cal = national();
    // 10-03 is inside 国庆节: 10-08 is day 1.
    assert_eq!(
        cal.add_working_days(d("2026-10-03"), 1).unwrap().due,
        d("2026-10-08")
    );
    // A Sunday start: Monday is day 1.
    assert_eq!(
        cal.add_working_days(d("2026-03-01"), 1).unwrap().due,
        d("2026-03-02")
    );
}

#[test]
fn natural_days_move_off_days_off() {
    let cal = national();
    // 30 days from 2026-09-01 is 10-01 (国庆节): moved to 10-08.
    let dl = cal.add_natural_days(d("2026-09-01"), 30).unwrap();
    assert_eq!(dl.due, d("2026-10-08"));
    assert_eq!(dl.moved_from, Some(d("2026-10-01")));
    assert_eq!(dl.skipped.len(), 7);
    // Ending on a make-up Saturday (2026-10-10) is not moved.
    let dl = cal.add_natural_days(d("2026-09-30"), 10).unwrap();
    assert_eq!((dl.due, dl.moved_from), (d("2026-10-10"), None));
    // Ending on an ordinary weekday is not moved.
    let dl = cal.add_natural_days(d("2026-03-02"), 15).unwrap();
    assert_eq!((dl.due, dl.moved_from), (d("2026-03-17"), None));
    assert!(dl.skipped.is_empty());
}

#[test]
fn working_days_between_dates() {
    let cal = national();
    assert_eq!(
        cal.working_days_between(d("2026-10-13"), d("2026-10-16"))
            .unwrap(),
        3
    );
    assert_eq!(
        cal.working_days_between(d("2026-10-16"), d("2026-10-13"))
            .unwrap(),
        -3
    );
    assert_eq!(
        cal.working_days_between(d("2026-10-13"), d("2026-10-13"))
            .unwrap(),
        0
    );
    assert_eq!(
        cal.working_days_between(d("2026-09-30"), d("2026-10-07"))
            .unwrap(),
        0
    );
}

#[test]
fn named_rules() {
    let cal = national();
    let rule = Rule::find("处罚结果公示").unwrap();
    assert_eq!(rule.start, StartEvent::Effective);
    let by_decision = Rule::find("penalty-publicity-decision").unwrap();
    assert_eq!(by_decision.start, StartEvent::Decision);
    assert_eq!(
        rule.clone().starting_from(StartEvent::Decision).start,
        StartEvent::Decision
    );
    for (id, start, due) in [
        ("inspection-results", "2026-09-21", "2026-10-26"),
        ("penalty-info", "2026-09-21", "2026-10-26"),
        ("revocation-takedown", "2026-09-30", "2026-10-10"),
        ("personnel-change", "2026-09-21", "2026-10-08"),
        ("major-decision-filing", "2026-09-16", "2026-10-08"),
        ("judgment-report", "2026-09-01", "2026-10-08"),
        ("public-comment", "2026-09-28", "2026-10-13"),
        ("quarterly-filing", "2026-02-14", "2026-04-10"),
        ("quarterly-filing", "2026-09-30", "2026-10-10"),
        ("quarterly-filing", "2026-12-31", "2027-01-10"),
    ] {
        let r = Rule::find(id).unwrap();
        let got = cal.apply_rule(&r, d(start));
        if due.starts_with("2027") {
            // The filing date lies in a year the national data does not cover.
            assert_eq!(got.unwrap_err().kind(), ErrorKind::CalendarUncovered);
        } else {
            assert_eq!(got.unwrap().due, d(due), "{id} from {start}");
        }
    }
    assert!(Rule::find("public-comment").unwrap().minimum);
    assert_eq!(
        Rule::find("生效裁判文书报备").unwrap().period,
        Period::NaturalDays(30)
    );
}

#[test]
fn uncovered_years_are_errors_that_say_how_to_fix_them() {
    let cal = national();
    let e = cal.day(d("2027-03-01")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CalendarUncovered);
    assert!(e.message().contains("2027"), "{e}");
    assert!(e.message().contains("# covers: 2027"), "{e}");
    let e = cal.day(d("2017-12-31")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CalendarUncovered);
    // A count that runs into the uncovered year fails, even though the
    // start is covered (never a weekends-only guess).
    let e = cal.add_working_days(d("2026-12-24"), 7).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CalendarUncovered);
    assert!(e.message().contains("2027"));
    // A count that stays inside 2026 works.
    assert_eq!(
        cal.add_working_days(d("2026-12-21"), 7).unwrap().due,
        d("2026-12-30")
    );
}

#[test]
fn xinjiang_needs_its_own_data_for_the_year() {
    let cal = WorkingDayCalendar::load(Some("xinjiang"), &[]).unwrap();
    // 2021 is covered nationally but not for Xinjiang (no regional notice
    // was found).
    let e = cal.day(d("2021-05-13")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CalendarUncovered);
    assert!(
        e.message().contains("xinjiang") && e.message().contains("2021"),
        "{e}"
    );
    assert!(e.message().contains("# region: xinjiang"), "{e}");
    // The user supplies 2021 (the days are the user file's; the test only
    // checks that the file is used).
    let user = "# region: xinjiang\n# covers: 2021\ndate,kind,name,notice\n\
                2021-05-13,off,肉孜节,用户提供\n2021-07-20,off,古尔邦节,用户提供\n";
    let cal = WorkingDayCalendar::load(
        Some("xinjiang"),
        &[UserCalendar {
            name: "xinjiang-2021.csv",
            text: user,
        }],
    )
    .unwrap();
    let day = cal.day(d("2021-05-13")).unwrap();
    assert_eq!(
        (day.kind, day.name.as_deref()),
        (DayKind::HolidayOff, Some("肉孜节"))
    );
    assert!(cal.day(d("2021-05-14")).unwrap().is_working());
    // Xinjiang's 2025 古尔邦节 makes 06-09 and 06-10 days off.
    assert_eq!(
        cal.add_working_days(d("2025-06-05"), 1).unwrap().due,
        d("2025-06-11")
    );
    assert_eq!(
        national().add_working_days(d("2025-06-05"), 1).unwrap().due,
        d("2025-06-06")
    );
}

#[test]
fn user_calendar_adds_a_year_and_overrides_a_day() {
    let next = "# shuangsui calendar 1\n# covers: 2027\ndate,kind,name,notice\n\
                2027-01-01,off,元旦,测试\n2027-01-02,off,元旦,测试\n";
    let cal = WorkingDayCalendar::load(
        None,
        &[UserCalendar {
            name: "cn-2027.csv",
            text: next,
        }],
    )
    .unwrap();
    assert_eq!(
        cal.add_working_days(d("2026-12-30"), 2).unwrap().due,
        d("2027-01-04")
    );
    let e = WorkingDayCalendar::load(
        None,
        &[UserCalendar {
            name: "bad.csv",
            text: "date,kind,name\n",
        }],
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert_eq!(e.location().unwrap().file.as_deref(), Some("bad.csv"));
    let e = WorkingDayCalendar::load(Some("atlantis"), &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    let e = WorkingDayCalendar::load(
        None,
        &[UserCalendar {
            name: "nx.csv",
            text: "# region: ningxia\n# covers: 2026\ndate,kind,name\n",
        }],
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
}

#[test]
fn month_grid() {
    let cal = national();
    let g = cal.month_grid(2026, 2).unwrap();
    assert_eq!(g.weeks.len(), 5);
    let kinds: Vec<(u32, DayKind)> = g.days().map(|x| (x.date.day(), x.kind)).collect();
    assert_eq!(kinds.len(), 28);
    assert_eq!(kinds[13], (14, DayKind::MakeUpWorking));
    assert_eq!(kinds[14], (15, DayKind::HolidayOff));
    assert_eq!(kinds[27], (28, DayKind::MakeUpWorking));
    assert_eq!(kinds[0], (1, DayKind::Weekend));
    assert_eq!(kinds[1], (2, DayKind::Working));
    // 2026-02-01 is a Sunday: the first week is six blanks and the 1st.
    assert!(g.weeks[0][..6].iter().all(Option::is_none));
    assert_eq!(
        cal.month_grid(2027, 1).unwrap_err().kind(),
        ErrorKind::CalendarUncovered
    );
    assert_eq!(cal.year_grid(2025).unwrap().len(), 12);
}

fn covered_date() -> impl Strategy<Value = Date> {
    // 2018-01-01 .. 2026-09-30, leaving room for a 40-day gap and a
    // 25-working-day count inside 2026.
    let lo = Date::new(2018, 1, 1).unwrap().to_days();
    let hi = Date::new(2026, 9, 30).unwrap().to_days();
    (lo..=hi).prop_map(Date::from_days)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn due_is_a_working_day_and_counts_back_to_n(start in covered_date(), n in 1u32..=25) {
        let cal = national();
        let dl = cal.add_working_days(start, n).unwrap();
        prop_assert!(cal.is_working_day(dl.due).unwrap());
        prop_assert_eq!(cal.working_days_between(start, dl.due).unwrap(), i64::from(n));
        prop_assert!(dl.due > start);
        for s in &dl.skipped {
            prop_assert!(!s.is_working() && s.date > start && s.date < dl.due);
        }
    }

    #[test]
    fn later_start_never_gives_earlier_due(a in covered_date(), gap in 0i64..40, n in 1u32..=25) {
        let cal = national();
        let b = a.add_days(gap);
        let da = cal.add_working_days(a, n).unwrap().due;
        let db = cal.add_working_days(b, n).unwrap().due;
        prop_assert!(db >= da);
        let na = cal.add_natural_days(a, n).unwrap().due;
        let nb = cal.add_natural_days(b, n).unwrap().due;
        prop_assert!(nb >= na);
    }

    #[test]
    fn natural_due_is_the_first_working_day_from_the_nominal_end(start in covered_date(), n in 1u32..=30) {
        let cal = national();
        let dl = cal.add_natural_days(start, n).unwrap();
        let nominal = start.add_days(i64::from(n));
        prop_assert!(cal.is_working_day(dl.due).unwrap());
        prop_assert!(dl.due >= nominal);
        prop_assert_eq!(cal.working_days_between(nominal, dl.due).unwrap(),
            if dl.due == nominal { 0 } else { 1 });
    }

    #[test]
    fn dates_round_trip_through_text(days in Date::MIN.to_days()..=Date::MAX.to_days()) {
        let x = Date::from_days(days);
        prop_assert_eq!(Date::parse(&x.to_string()).unwrap(), x);
        let zh = format!("{}年{}月{}日", x.year(), x.month(), x.day());
        if x.year() >= 1000 {
            prop_assert_eq!(Date::parse(&zh).unwrap(), x);
        }
    }
}

#[test]
fn xinjiang_2026_moves_its_deadlines() {
    let cal = WorkingDayCalendar::load(Some("xinjiang"), &[]).unwrap();
    let national = national();
    // 处罚结果公示 from 2026-03-16: nationally 03-17..03-20 and 03-23..03-25
    // (due 03-25); in Xinjiang 03-20 is 肉孜节, so the seventh working day is
    // 03-26.
    assert_eq!(
        national.add_working_days(d("2026-03-16"), 7).unwrap().due,
        d("2026-03-25")
    );
    assert_eq!(
        cal.add_working_days(d("2026-03-16"), 7).unwrap().due,
        d("2026-03-26")
    );
    // 古尔邦节 2026 takes three working days (05-27..05-29).
    assert_eq!(
        national.add_working_days(d("2026-05-26"), 3).unwrap().due,
        d("2026-05-29")
    );
    assert_eq!(
        cal.add_working_days(d("2026-05-26"), 3).unwrap().due,
        d("2026-06-03")
    );
}
