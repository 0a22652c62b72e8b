//! Typed errors. Every error has a stable machine `code` and an Arabic message fit for the user.
//! Adapters serialise an error as `{"code": "...", "message": "...", "fields": [...]}`.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// One invalid field in a form: which field, and what the user must fix (Arabic).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; nothing was saved.
    #[error("{}", validation_summary(.0))]
    Validation(Vec<FieldError>),

    #[error("{what} غير موجود")]
    NotFound { what: &'static str },

    #[error("الأمر «{0}» غير معروف")]
    UnknownCommand(String),

    /// The request itself is malformed (wrong JSON shape, wrong types).
    #[error("بيانات الطلب غير صالحة: {0}")]
    BadRequest(String),

    #[error("تعذر فتح قاعدة البيانات «{path}»: {reason}")]
    OpenDatabase { path: String, reason: String },

    #[error("قاعدة البيانات أنشأها إصدار أحدث من البرنامج (الإصدار {found} من المخطط، وهذا البرنامج يعرف حتى {known}). حدّث البرنامج.")]
    SchemaTooNew { found: i64, known: i64 },

    #[error("خطأ في قاعدة البيانات: {0}")]
    Database(rusqlite::Error),

    /// The database is busy with another program's write for longer than we wait; nothing was
    /// changed, and the same request can be sent again (a desk's check-in keeps its UUID).
    #[error("قاعدة البيانات مشغولة الآن بعملية أخرى؛ أعد المحاولة بعد لحظات")]
    Busy,

    #[error("خطأ في الملفات: {0}")]
    Io(#[from] std::io::Error),

    /// The same person (or thing) is already registered; nothing new was created.
    #[error("{message}")]
    Duplicate { message: String, existing_id: i64 },

    #[error("{0}")]
    Forbidden(String),

    /// The thing is taken or in a state that refuses the change (a booth already occupied, a
    /// quota reached, a transition the workflow does not allow); nothing was changed.
    #[error("{0}")]
    Conflict(String),

    /// A request from another machine without a valid desk token.
    #[error("هذه المنصة غير مقترنة بالجهاز الرئيس أو أُلغي اقترانها؛ أدخل رمز الاقتران")]
    DeskTokenRequired,

    /// A request or file past a stated size limit; nothing was read or changed.
    #[error("{0}")]
    TooLarge(String),

    /// The host is locked with the admin password and this needs it (see `admin`).
    #[error("البرنامج مقفل بكلمة مرور المشرف؛ أدخلها للمتابعة")]
    AdminLocked,

    /// Accounts are in use and nobody is signed in here (see `account`).
    #[error("سجّل الدخول بحسابك في اللجنة المنظمة للمتابعة")]
    SignInRequired,

    /// Too many wrong attempts (pairing codes): wait before trying again.
    #[error("{message}")]
    TooManyAttempts {
        message: String,
        retry_after_secs: u64,
    },

    #[error("خطأ داخلي: {0}")]
    Internal(String),

    /// The work panicked (a bug): logged with its details by `logs`, told to the user plainly.
    #[error("{}", crate::logs::PANIC_MESSAGE)]
    Unexpected,
}

fn validation_summary(errors: &[FieldError]) -> String {
    match errors {
        [] => "البيانات غير صالحة".to_string(),
        [one] => one.message.clone(),
        many => format!(
            "في البيانات {}: {}",
            crate::text::counted(many.len() as u64, &crate::text::ERRORS),
            many[0].message
        ),
    }
}

impl AppError {
    /// Stable code for programs (the UI, the HTTP API, tests).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation",
            AppError::NotFound { .. } => "not_found",
            AppError::UnknownCommand(_) => "unknown_command",
            AppError::BadRequest(_) => "bad_request",
            AppError::OpenDatabase { .. } => "open_database",
            AppError::SchemaTooNew { .. } => "schema_too_new",
            AppError::Database(_) => "database",
            AppError::Busy => "busy",
            AppError::Io(_) => "io",
            AppError::Duplicate { .. } => "duplicate",
            AppError::Forbidden(_) => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::DeskTokenRequired => "desk_token_required",
            AppError::TooLarge(_) => "too_large",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::AdminLocked => "admin_locked",
            AppError::SignInRequired => "sign_in_required",
            AppError::Internal(_) => "internal",
            AppError::Unexpected => "unexpected",
        }
    }

    pub fn field(field: &str, message: &str) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::Validation(f) => f,
            _ => &[],
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("AppError", 4)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.to_string())?;
        st.serialize_field("fields", self.fields())?;
        if let AppError::Duplicate { existing_id, .. } = self {
            st.serialize_field("existing_id", existing_id)?;
        }
        if let AppError::TooManyAttempts {
            retry_after_secs, ..
        } = self
        {
            st.serialize_field("retry_after_secs", retry_after_secs)?;
        }
        st.end()
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                AppError::Busy
            }
            _ => AppError::Database(e),
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_code_message_and_fields() {
        let e = AppError::Validation(vec![FieldError::new("name_ar", "اسم الملتقى مطلوب")]);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "validation");
        assert_eq!(v["message"], "اسم الملتقى مطلوب");
        assert_eq!(v["fields"][0]["field"], "name_ar");
    }

    #[test]
    fn summary_counts_many_errors() {
        let e = AppError::Validation(vec![
            FieldError::new("a", "الأول"),
            FieldError::new("b", "الثاني"),
        ]);
        assert_eq!(e.to_string(), "في البيانات خطآن: الأول");
        let many = |n: usize| {
            AppError::Validation(
                (0..n)
                    .map(|i| FieldError::new("f", format!("خطأ {i}")))
                    .collect(),
            )
            .to_string()
        };
        assert_eq!(many(3), "في البيانات 3 أخطاء: خطأ 0");
        assert_eq!(many(11), "في البيانات 11 خطأً: خطأ 0");
        let nf = AppError::NotFound {
            what: "الملتقى"
        };
        assert_eq!(nf.to_string(), "الملتقى غير موجود");
        assert_eq!(nf.code(), "not_found");
    }

    #[test]
    fn a_busy_database_is_its_own_error_not_a_database_failure() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        let e = AppError::from(busy);
        assert_eq!(e.code(), "busy");
        assert!(e.to_string().contains("أعد المحاولة"));
        let other = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        );
        assert_eq!(AppError::from(other).code(), "database");
    }
}
