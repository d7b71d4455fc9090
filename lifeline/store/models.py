"""Every table, imported in one place so Alembic and the services see the whole schema."""

from lifeline.store.audit import AuditEntry as AuditEntry
from lifeline.store.auth import LoginAttempt as LoginAttempt
from lifeline.store.auth import WebSession as WebSession
from lifeline.store.base import Base as Base
from lifeline.store.org import Account as Account
from lifeline.store.org import AdminAssignment as AdminAssignment
from lifeline.store.org import AdminGroup as AdminGroup
from lifeline.store.org import Channel as Channel
from lifeline.store.org import ChannelAssignment as ChannelAssignment
from lifeline.store.org import ChannelExclusion as ChannelExclusion
from lifeline.store.org import ComputerGroup as ComputerGroup
from lifeline.store.org import ExternalTechGroup as ExternalTechGroup
from lifeline.store.org import ExternalTechnician as ExternalTechnician
from lifeline.store.org import TechGroup as TechGroup
from lifeline.store.org import User as User
from lifeline.store.settings import PermissionValue as PermissionValue
from lifeline.store.settings import SettingValue as SettingValue
from lifeline.store.sessions import PostToUrlDelivery as PostToUrlDelivery
from lifeline.store.sessions import PredefinedReply as PredefinedReply
from lifeline.store.sessions import ScheduledJob as ScheduledJob
from lifeline.store.sessions import SessionEvent as SessionEvent
from lifeline.store.sessions import SessionParticipant as SessionParticipant
from lifeline.store.sessions import SupportSession as SupportSession
from lifeline.store.sessions import TechnicianPresence as TechnicianPresence
