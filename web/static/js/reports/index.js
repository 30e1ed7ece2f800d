// Routes of 报事 for residents (and the ticket page shared with staff).
import { session } from "../session.js";
import { renderDetail } from "./detail.js";
import { renderMine } from "./mine.js";
import { renderReport } from "./report.js";

export function register({ route, guard }) {
  const verified = () => guard() && session.isVerified;
  route("/report", renderReport, { guard: verified, redirect: "#/" });
  route("/tickets/mine", renderMine, { guard, redirect: "#/login" });
  route("/tickets/:id", renderDetail, { guard, redirect: "#/login" });
}
