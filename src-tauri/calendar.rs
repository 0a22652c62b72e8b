//! Dates as Saudi documents show them: the Umm al-Qura Hijri date beside the Gregorian one.
//! The Hijri conversion comes from ICU4X (`icu_calendar`, KACST Umm al-Qura data); only the
//! Arabic names of months and weekdays are written here.

use chrono::{Datelike, NaiveDate, Weekday};
use icu_calendar::cal::Hijri;
use icu_calendar::Date;
use serde::Serialize;

pub const HIJRI_MONTHS: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];

pub const GREGORIAN_MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// Years the app accepts for forum dates (inside the range of the published Umm al-Qura tables).
pub const MIN_YEAR: i32 = 1950;
pub const MAX_YEAR: i32 = 2075;

pub fn weekday_ar(w: Weekday) -> &'static str {
    match w {
        Weekday::Sun => "الأحد",
        Weekday::Mon => "الاثنين",
        Weekday::Tue => "الثلاثاء",
        Weekday::Wed => "الأربعاء",
        Weekday::Thu => "الخميس",
        Weekday::Fri => "الجمعة",
        Weekday::Sat => "السبت",
    }
}

/// A date in the Umm al-Qura calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HijriDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl HijriDate {
    pub fn month_name(&self) -> &'static str {
        HIJRI_MONTHS[usize::from(self.month.clamp(1, 12) - 1)]
    }
}

/// Converts a Gregorian date to Umm al-Qura. `None` only for dates ICU cannot represent.
pub fn to_hijri(date: NaiveDate) -> Option<HijriDate> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    let g = Date::try_new_gregorian(date.year(), month, day).ok()?;
    let h = g.to_calendar(Hijri::new_umm_al_qura());
    Some(HijriDate {
        year: h.era_year().year,
        month: h.month().ordinal,
        day: h.day_of_month().0,
    })
}

/// The Gregorian date of an Umm al-Qura date, by the same calendar as [`to_hijri`]: the
/// estimate from the mean month, then the day around it that converts back to exactly this
/// date. `None` when the date does not exist (a 30th of a 29-day month, month 13, …) or is out
/// of the range a forum could use (1300–1600 AH).
pub fn from_hijri(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    if !(1300..=1600).contains(&year) || !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(622, 7, 16)?;
    let months = f64::from(year - 1) * 12.0 + f64::from(month - 1);
    let estimate = (months * 29.530_588_853).round() as i64 + i64::from(day) - 1;
    let guess = epoch.checked_add_signed(chrono::Duration::days(estimate))?;
    let want = HijriDate { year, month, day };
    (-20..=20)
        .filter_map(|d| guess.checked_add_signed(chrono::Duration::days(d)))
        .find(|g| to_hijri(*g) == Some(want))
}

/// A date typed in the Hijri calendar, ready to show and store, or the Arabic reason it does
/// not exist.
pub fn hijri_label(year: i32, month: u8, day: u8) -> crate::error::Result<DateLabel> {
    let date = from_hijri(year, month, day).ok_or_else(|| {
        crate::error::AppError::field(
            "hijri",
            &if (1..=12).contains(&month) && (1300..=1600).contains(&year) {
                let name = HIJRI_MONTHS[usize::from(month) - 1];
                format!("لا يوجد يوم {day} في {name} {year}هـ")
            } else {
                "اكتب اليوم والشهر والسنة الهجرية (من 1300 إلى 1600هـ)".to_string()
            },
        )
    })?;
    Ok(label(date))
}

/// The current time as stored in the database: RFC 3339 UTC to the second.
pub fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The current time to the microsecond, for orders that must follow events closer than a second
/// apart (the families' waiting list).
pub fn now_utc_precise() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Parses `YYYY-MM-DD`, the only date format that crosses the API.
pub fn parse_iso(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// One date, ready to show: weekday, Hijri and Gregorian parts and the full line
/// `الأحد 13 ربيع الأول 1441هـ — 10 نوفمبر 2019م`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateLabel {
    /// ISO `YYYY-MM-DD`.
    pub date: String,
    pub weekday: String,
    pub hijri: String,
    pub gregorian: String,
    pub full: String,
    pub hijri_parts: Option<HijriDate>,
}

pub fn gregorian_ar(date: NaiveDate) -> String {
    format!(
        "{} {} {}م",
        date.day(),
        GREGORIAN_MONTHS[date.month0() as usize],
        date.year()
    )
}

pub fn hijri_ar(h: HijriDate) -> String {
    format!("{} {} {}هـ", h.day, h.month_name(), h.year)
}

/// A span of days in words, for one line of print (a badge, a sign): Hijri and Gregorian.
/// `من 13 إلى 14 ربيع الأول 1441هـ` — a range written with a dash would read backwards in an
/// Arabic line, so it is written as words.
pub fn range_ar(first: NaiveDate, last: NaiveDate) -> (String, String) {
    if first >= last {
        let h = to_hijri(first).map(hijri_ar).unwrap_or_default();
        return (h, gregorian_ar(first));
    }
    let hijri = match (to_hijri(first), to_hijri(last)) {
        (Some(a), Some(b)) if (a.year, a.month) == (b.year, b.month) => {
            format!("من {} إلى {} {} {}هـ", a.day, b.day, b.month_name(), b.year)
        }
        (Some(a), Some(b)) if a.year == b.year => format!(
            "من {} {} إلى {} {} {}هـ",
            a.day,
            a.month_name(),
            b.day,
            b.month_name(),
            b.year
        ),
        (Some(a), Some(b)) => format!("من {} إلى {}", hijri_ar(a), hijri_ar(b)),
        _ => String::new(),
    };
    let (gm_a, gm_b) = (
        GREGORIAN_MONTHS[first.month0() as usize],
        GREGORIAN_MONTHS[last.month0() as usize],
    );
    let gregorian = if (first.year(), first.month()) == (last.year(), last.month()) {
        format!(
            "من {} إلى {} {} {}م",
            first.day(),
            last.day(),
            gm_b,
            last.year()
        )
    } else if first.year() == last.year() {
        format!(
            "من {} {} إلى {} {} {}م",
            first.day(),
            gm_a,
            last.day(),
            gm_b,
            last.year()
        )
    } else {
        format!("من {} إلى {}", gregorian_ar(first), gregorian_ar(last))
    };
    (hijri, gregorian)
}

pub fn label(date: NaiveDate) -> DateLabel {
    let weekday = weekday_ar(date.weekday()).to_string();
    let gregorian = gregorian_ar(date);
    let hijri_parts = to_hijri(date);
    let hijri = hijri_parts.map(hijri_ar).unwrap_or_default();
    let full = if hijri.is_empty() {
        format!("{weekday} {gregorian}")
    } else {
        format!("{weekday} {hijri} — {gregorian}")
    };
    DateLabel {
        date: date.format("%Y-%m-%d").to_string(),
        weekday,
        hijri,
        gregorian,
        full,
        hijri_parts,
    }
}

/// The days someone attended, in words for one line of print (Hijri, Gregorian): one day; a
/// run of days as a range (see [`range_ar`]); scattered days listed with «و» — «13 و15 ربيع
/// الأول 1441هـ».
pub fn days_ar(dates: &[NaiveDate]) -> (String, String) {
    let mut d: Vec<NaiveDate> = dates.to_vec();
    d.sort();
    d.dedup();
    match d.as_slice() {
        [] => (String::new(), String::new()),
        [one] => (
            to_hijri(*one).map(hijri_ar).unwrap_or_default(),
            gregorian_ar(*one),
        ),
        [first, .., last] if (*last - *first).num_days() as usize == d.len() - 1 => {
            range_ar(*first, *last)
        }
        _ => {
            let hijri: Vec<HijriDate> = d.iter().filter_map(|x| to_hijri(*x)).collect();
            let same_h = hijri
                .windows(2)
                .all(|w| (w[0].year, w[0].month) == (w[1].year, w[1].month));
            let h = match (same_h, hijri.last()) {
                (true, Some(last)) => format!(
                    "{} {} {}هـ",
                    hijri
                        .iter()
                        .map(|x| x.day.to_string())
                        .collect::<Vec<_>>()
                        .join(" و"),
                    last.month_name(),
                    last.year
                ),
                _ => hijri
                    .iter()
                    .map(|x| hijri_ar(*x))
                    .collect::<Vec<_>>()
                    .join(" و"),
            };
            let same_g = d
                .windows(2)
                .all(|w| (w[0].year(), w[0].month()) == (w[1].year(), w[1].month()));
            let g = match (same_g, d.last()) {
                (true, Some(last)) => format!(
                    "{} {} {}م",
                    d.iter()
                        .map(|x| x.day().to_string())
                        .collect::<Vec<_>>()
                        .join(" و"),
                    GREGORIAN_MONTHS[last.month0() as usize],
                    last.year()
                ),
                _ => d
                    .iter()
                    .map(|x| gregorian_ar(*x))
                    .collect::<Vec<_>>()
                    .join(" و"),
            };
            (h, g)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn umm_al_qura_reference_dates() {
        // Ramadan 1445 began on Monday 11 March 2024 in Saudi Arabia.
        assert_eq!(
            to_hijri(d(2024, 3, 11)),
            Some(HijriDate {
                year: 1445,
                month: 9,
                day: 1
            })
        );
        // 1 Muharram 1446 = 7 July 2024 (Umm al-Qura).
        assert_eq!(
            to_hijri(d(2024, 7, 7)),
            Some(HijriDate {
                year: 1446,
                month: 1,
                day: 1
            })
        );
        // Saudi National Day 2019 fell on 24 Muharram 1441.
        assert_eq!(
            to_hijri(d(2019, 9, 23)),
            Some(HijriDate {
                year: 1441,
                month: 1,
                day: 24
            })
        );
    }

    #[test]
    fn full_label_shows_both_calendars_with_arabic_names() {
        let l = label(d(2019, 11, 10));
        assert_eq!(l.weekday, "الأحد");
        assert_eq!(l.gregorian, "10 نوفمبر 2019م");
        assert_eq!(l.hijri, "13 ربيع الأول 1441هـ");
        assert_eq!(l.full, "الأحد 13 ربيع الأول 1441هـ — 10 نوفمبر 2019م");
    }

    #[test]
    fn ranges_are_written_in_words_in_both_calendars() {
        assert_eq!(
            range_ar(d(2019, 11, 10), d(2019, 11, 11)),
            (
                "من 13 إلى 14 ربيع الأول 1441هـ".to_string(),
                "من 10 إلى 11 نوفمبر 2019م".to_string()
            )
        );
        let (h, g) = range_ar(d(2019, 10, 28), d(2019, 11, 1));
        assert_eq!(h, "من 29 صفر إلى 4 ربيع الأول 1441هـ");
        assert_eq!(g, "من 28 أكتوبر إلى 1 نوفمبر 2019م");
        let (h, _) = range_ar(d(2019, 11, 10), d(2019, 11, 10));
        assert_eq!(h, "13 ربيع الأول 1441هـ");
    }

    #[test]
    fn parse_iso_rejects_garbage() {
        assert_eq!(parse_iso("2019-11-10"), Some(d(2019, 11, 10)));
        assert_eq!(parse_iso("2019-02-30"), None);
        assert_eq!(parse_iso("10/11/2019"), None);
        assert_eq!(parse_iso(""), None);
    }

    #[test]
    fn attended_days_read_as_one_day_a_range_or_a_list() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            days_ar(&[d("2019-11-10")]),
            ("13 ربيع الأول 1441هـ".into(), "10 نوفمبر 2019م".into())
        );
        assert_eq!(
            days_ar(&[d("2019-11-11"), d("2019-11-10")]),
            (
                "من 13 إلى 14 ربيع الأول 1441هـ".into(),
                "من 10 إلى 11 نوفمبر 2019م".into()
            )
        );
        assert_eq!(
            days_ar(&[d("2019-11-10"), d("2019-11-12")]),
            (
                "13 و15 ربيع الأول 1441هـ".into(),
                "10 و12 نوفمبر 2019م".into()
            )
        );
        assert_eq!(days_ar(&[]), (String::new(), String::new()));
    }

    #[test]
    fn hijri_dates_convert_back_to_the_same_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(from_hijri(1441, 3, 13), Some(d("2019-11-10")));
        assert_eq!(from_hijri(1445, 9, 1), Some(d("2024-03-11")));
        // Every day of several years round-trips.
        let mut day = d("2015-01-01");
        while day < d("2030-12-31") {
            let h = to_hijri(day).unwrap();
            assert_eq!(from_hijri(h.year, h.month, h.day), Some(day), "{day}");
            day = day.succ_opt().unwrap();
        }
        // Days that do not exist.
        let short = (1..=12)
            .find(|m| from_hijri(1445, *m, 30).is_none())
            .expect("some month of 1445 has 29 days");
        assert!(from_hijri(1445, short, 29).is_some());
        assert_eq!(from_hijri(1445, 13, 1), None);
        assert_eq!(from_hijri(1445, 1, 0), None);
        assert_eq!(from_hijri(200, 1, 1), None);
        let said = hijri_label(1445, short, 30).unwrap_err().to_string();
        assert!(said.contains("لا يوجد يوم 30 في"), "{said}");
        assert!(hijri_label(1445, 13, 1).is_err());
        assert_eq!(hijri_label(1441, 3, 13).unwrap().date, "2019-11-10");
    }
}
