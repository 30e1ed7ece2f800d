// Who is logged in, and what they may see. The server decides; this only shapes the menus.
const KEY = "linli.token";
const listeners = new Set();

export const session = {
  token: localStorage.getItem(KEY),
  user: null,
  rooms: [],

  save(token) {
    this.token = token;
    localStorage.setItem(KEY, token);
  },
  clear() {
    this.token = null;
    this.user = null;
    this.rooms = [];
    localStorage.removeItem(KEY);
  },
  expire() {
    this.clear();
    for (const fn of listeners) fn();
  },
  onExpire(fn) { listeners.add(fn); },

  get isStaff() {
    return !!this.user && ["worker", "admin", "street_officer", "district_officer"]
      .includes(this.user.role);
  },
  get isAdmin() { return !!this.user && this.user.role === "admin"; },
  get isWorker() { return !!this.user && this.user.role === "worker"; },
  get moderatesRooms() { return this.isWorker || this.isAdmin; },
  get mayPublish() {  // notices and polls: party members, workers and admins
    return !!this.user && (this.user.party_member || this.isWorker || this.isAdmin);
  },
  get isVerified() { return !!this.user && this.user.status === "verified"; },
};
