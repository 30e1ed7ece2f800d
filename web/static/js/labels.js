// Chinese labels for the codes the server speaks.

export const CATEGORIES = ["消防安全", "燃气安全", "供水排水", "供电照明", "电梯设施",
  "环境卫生", "噪音扰民", "停车秩序", "房屋设施", "治安秩序"];

export const STATUS = {
  draft: "待确认", submitted: "已提交", accepted: "已受理", in_progress: "处理中",
  resolved: "已办结", closed: "已关闭", reopened: "已重新打开", rejected: "不予受理",
  dismissed: "已忽略", duplicate: "已合并",
};

export const ACTION = {
  create: "创建", confirm: "确认上报", dismiss: "忽略", accept: "受理", classify: "分类",
  assign: "指派", resolve: "办结", reject: "不予受理", escalate: "上报上级", rate: "评价",
  merge: "合并为重复", merge_in: "合并他案", auto_close: "自动关闭",
};

export const URGENCY = { low: "一般", normal: "较急", urgent: "紧急" };
export const LEVEL = { grid: "网格", community: "社区", street: "街道", district: "区" };
export const SOURCE = { resident: "群众报事", enterprise: "企业报事", worker: "基层报事",
  detected: "自动识别" };
export const RATINGS = ["满意", "基本满意", "不满意"];

export const ROLE = {
  resident: "居民", enterprise: "企业", worker: "网格员", admin: "社区管理员",
  street_officer: "街道干部", district_officer: "区干部", bot: "机器人",
};

export const USER_STATUS = { pending: "待审核", verified: "已认证", rejected: "未通过",
  removed: "已移除" };

export const ROOM_KIND = { grid: "网格议事会", community: "社区议事厅", workers: "工作群" };

export const ERROR = {
  unauthorized: "请重新登录", forbidden: "没有权限", not_found: "找不到了",
  invalid: "填写有误", too_large: "内容太长", rate_limited: "操作太频繁，请稍后再试",
  muted: "您已被禁言", blocked_content: "含有不允许的词语", conflict: "操作冲突，请刷新",
  unavailable: "服务暂不可用", timeout: "网络超时，请重试",
};

/** "3栋2单元701室": each part with its word (not twice when typed in), empty parts left out. */
export function addressText(a) {
  if (!a) return "";
  const part = (value, word) => {
    const v = String(value || "").trim();
    return !v ? "" : v.endsWith(word) || (word === "栋" && v.endsWith("楼")) ? v : v + word;
  };
  return part(a.building, "栋") + part(a.unit, "单元") + part(a.room, "室");
}

export function label(map, key) { return (key && map[key]) || key || ""; }

export function durationText(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 3600) return Math.max(1, Math.round(seconds / 60)) + " 分钟";
  if (seconds < 86400 * 2) return (seconds / 3600).toFixed(1) + " 小时";
  return (seconds / 86400).toFixed(1) + " 天";
}
