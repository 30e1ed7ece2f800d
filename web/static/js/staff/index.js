// Routes of the staff screens: verification, drafts, tickets board, flags, audit log, stats.
import { session } from "../session.js";
import { renderAudit } from "./audit.js";
import { renderBoard } from "./board.js";
import { renderDrafts } from "./drafts.js";
import { renderFlags } from "./flags.js";
import { renderStats } from "./stats.js";
import { renderStatus } from "./status.js";
import { renderVerify } from "./verify.js";

/** The operators' status page: community admins, street and district officers. */
export function seesStatus() {
  return session.isAdmin || /_officer$/.test(session.user.role);
}

export function register({ route, guard }) {
  const moderators = () => guard() && session.moderatesRooms;
  const staff = () => guard() && session.isStaff;
  const admins = () => guard() && session.isAdmin;
  const away = { redirect: "#/" };
  route("/staff/verify", renderVerify, { guard: moderators, ...away });
  route("/staff/drafts", renderDrafts, { guard: moderators, ...away });
  route("/staff/tickets", renderBoard, { guard: staff, ...away });
  route("/staff/flags", renderFlags, { guard: moderators, ...away });
  route("/staff/stats", renderStats, { guard: staff, ...away });
  route("/staff/audit", renderAudit, { guard: admins, ...away });
  route("/staff/status", renderStatus, { guard: () => guard() && seesStatus(), ...away });
}
