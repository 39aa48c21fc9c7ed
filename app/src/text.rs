//! UI strings shared across pages (Simplified Chinese). Page-specific labels sit beside their
//! fields; anything repeated lives here so a language switch starts in one file.

pub const PRODUCT: &str = "触达 chuda";
pub const NOT_FOUND: &str = "页面不存在";
pub const NAV_SMS_SETTINGS: &str = "短信配置";
pub const NAV_ACCOUNT: &str = "账号设置";
pub const LOGOUT: &str = "退出登录";
pub const SAVE: &str = "保存";
pub const SAVING: &str = "保存中…";
pub const SAVED: &str = "已保存";
pub const TEST_CONNECTION: &str = "测试连接";
pub const TESTING: &str = "测试中…";
pub const LOADING: &str = "加载中…";
pub const SECRET_SET: &str = "已设置";
pub const REPLACE: &str = "替换";
pub const CANCEL: &str = "取消";
pub const ENABLED: &str = "已开通";
pub const DISABLED: &str = "已停用";
pub const FIX_FIELDS: &str = "请修改标红的字段后再保存";
pub const SAVE_BEFORE_TEST: &str = "测试连接使用已保存的配置，请先保存";
