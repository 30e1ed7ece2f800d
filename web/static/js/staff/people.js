// Names of people by id (GET /api/v1/users/{id}), cached for the session's lifetime.
import { api } from "../api.js";

const names = new Map();

export function userName(id) {
  if (!id) return Promise.resolve("—");
  if (id === "system") return Promise.resolve("系统");
  if (!names.has(id)) {
    names.set(id, api("GET", "/api/v1/users/" + encodeURIComponent(id))
      .then(({ user }) => user.name)
      .catch(() => { names.delete(id); return id; }));
  }
  return names.get(id);
}
