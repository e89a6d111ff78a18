//! sea-orm entities: the tables as rows. They never leave this crate; `convert` turns them
//! into domain types and back.

#![expect(unreachable_pub, reason = "generated-style row types, private to the crate")]

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod organization {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub time_zone: String,
        pub default_language: String,
        pub remind_not_started_days: Option<i32>,
        pub remind_days_before_deadline: Option<i32>,
    }
    no_relations!();
}

pub mod recruiter {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recruiters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub name: String,
        pub email: String,
        pub email_key: String,
    }
    no_relations!();
}

pub mod job {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "jobs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub title: String,
        pub company_name: String,
    }
    no_relations!();
}

pub mod candidate {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "candidates")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub kind: String,
        pub first_name: String,
        pub last_name: String,
        pub first_name_key: String,
        pub last_name_key: String,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub notes: String,
        pub created_at: i64,
    }
    no_relations!();
}

pub mod interview {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "interviews")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub name: String,
        pub job_id: Option<Uuid>,
        pub intro: String,
        pub question_language: String,
        pub difficulty: Option<String>,
        pub focus_area: Option<String>,
        pub questions: String,
        pub status: String,
        pub revision: i64,
        pub created_at: i64,
        pub updated_at: i64,
    }
    no_relations!();
}

pub mod interview_snapshot {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "interview_snapshots")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub hash: String,
        pub body: String,
    }
    no_relations!();
}

pub mod invitation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub candidate_id: Uuid,
        pub first_name: String,
        pub last_name: String,
        pub sort_name: String,
        pub search_text: String,
        pub invited_by: Uuid,
        pub interview_id: Uuid,
        pub job_id: Option<Uuid>,
        pub snapshot_hash: String,
        pub email: String,
        pub email_key: String,
        pub language: String,
        pub deadline_date: String,
        pub deadline_zone: String,
        pub closes_at: i64,
        pub bcc_me: bool,
        pub notify_me: bool,
        pub status: String,
        pub expired_from: Option<String>,
        pub link_version: i32,
        pub emails_queued: i32,
        pub reminded_not_started: bool,
        pub reminded_deadline: bool,
        pub next_reminder_at: Option<i64>,
        pub takes: String,
        pub created_at: i64,
        pub updated_at: i64,
        pub opened_at: Option<i64>,
        pub started_at: Option<i64>,
        pub completed_at: Option<i64>,
        pub revision: i64,
    }
    no_relations!();
}

pub mod timeline_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "timeline_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub id: Uuid,
        pub organization_id: Uuid,
        pub candidate_id: Uuid,
        pub invitation_id: Option<Uuid>,
        pub kind: String,
        pub data: String,
        pub actor_kind: String,
        pub actor_id: Option<Uuid>,
        pub at: i64,
    }
    no_relations!();
}

pub mod answer {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "answers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub invitation_id: Uuid,
        pub question_id: Uuid,
        pub take: i32,
        pub media_key: String,
        pub duration_ms: i64,
        pub size_bytes: i64,
        pub format: String,
        pub recorded_at: i64,
    }
    no_relations!();
}

pub mod outbox {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub invitation_id: Option<Uuid>,
        pub live_interview_id: Option<Uuid>,
        pub attendee_id: Option<Uuid>,
        pub kind: String,
        pub sequence: i32,
        pub recipient: String,
        pub language: String,
        pub created_at: i64,
        pub state: String,
        pub not_before: Option<i64>,
        pub claim_until: Option<i64>,
        pub attempts: i32,
        pub done_at: Option<i64>,
        pub failure: Option<String>,
        pub claim_token: Option<Uuid>,
    }
    no_relations!();
}

pub mod message_template {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "message_templates")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub kind: String,
        pub language: String,
        pub subject: String,
        pub body: String,
        pub updated_by: Uuid,
        pub created_at: i64,
        pub updated_at: i64,
        pub revision: i64,
    }
    no_relations!();
}

pub mod mailbox {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mailbox")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub invitation_id: Option<Uuid>,
        pub live_interview_id: Option<Uuid>,
        pub attendee_id: Option<Uuid>,
        pub kind: String,
        pub sender: String,
        pub recipient: String,
        pub reply_to: Option<String>,
        pub subject: String,
        pub text_body: String,
        pub html_body: String,
        pub captured_at: i64,
    }
    no_relations!();
}

pub mod review_note {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_notes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub invitation_id: Uuid,
        pub recruiter_id: Uuid,
        pub kind: String,
        pub question_id: Option<Uuid>,
        pub rating: Option<i16>,
        pub body: Option<String>,
        pub created_at: i64,
    }
    no_relations!();
}

pub mod credential {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credentials")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub recruiter_id: Uuid,
        pub password_hash: String,
    }
    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub recruiter_id: Uuid,
        pub digest: String,
        pub created_at: i64,
        pub expires_at: i64,
    }
    no_relations!();
}

pub mod api_key {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub recruiter_id: Uuid,
        pub name: String,
        pub digest: String,
        pub created_at: i64,
        pub revoked_at: Option<i64>,
    }
    no_relations!();
}

pub mod live_interview {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "live_interviews")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organization_id: Uuid,
        pub organizer_id: Uuid,
        pub candidate_id: Uuid,
        pub title: String,
        pub local_date: String,
        pub local_time: String,
        pub minutes: i32,
        pub time_zone: String,
        pub starts_at: i64,
        pub ends_at: i64,
        pub location_kind: String,
        pub location: String,
        pub job_id: Option<Uuid>,
        pub follows_id: Option<Uuid>,
        pub candidate_subject: Option<String>,
        pub candidate_body: Option<String>,
        pub interviewer_subject: Option<String>,
        pub interviewer_body: Option<String>,
        pub sequence: i32,
        pub resends: i32,
        pub reminder_due_at: Option<i64>,
        pub cancelled_at: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
        pub revision: i64,
    }
    no_relations!();
}

pub mod live_attendee {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "live_attendees")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub live_interview_id: Uuid,
        pub position: i32,
        pub role: String,
        pub candidate_id: Option<Uuid>,
        pub recruiter_id: Option<Uuid>,
        pub name: String,
        pub email: String,
        pub language: String,
        pub response: String,
        pub decline_message: Option<String>,
        pub responded_at: Option<i64>,
        pub link_version: i32,
    }
    no_relations!();
}
