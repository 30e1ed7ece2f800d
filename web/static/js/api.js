// REST calls with the session token; errors come back as {code, message}.
import { session } from "./session.js";

export async function api(method, path, body) {
  const headers = {};
  if (session.token) headers.Authorization = "Bearer " + session.token;
  let payload;
  if (body instanceof FormData || typeof body === "string") payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(path, { method, headers, body: payload });
  } catch (e) {
    throw { code: "unavailable", message: "network error / 网络连接失败，请检查网络" };
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const error = data.error || { code: "unavailable", message: "server error / 服务器繁忙，请稍后再试" };
    if (error.code === "unauthorized" && session.token) session.expire();
    throw error;
  }
  return data;
}

/** GET an image (e.g. a QR code) with the token and return an object URL for <img src>. */
export async function apiImage(path) {
  const resp = await fetch(path, { headers: { Authorization: "Bearer " + session.token } });
  if (!resp.ok) {
    const data = await resp.json().catch(() => ({}));
    throw data.error || { code: "unavailable", message: "图片加载失败" };
  }
  return URL.createObjectURL(await resp.blob());
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const text = q.toString();
  return text ? "?" + text : "";
}
