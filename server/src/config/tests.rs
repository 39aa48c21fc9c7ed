#![allow(clippy::result_large_err)] // figment::Jail closures return figment::Error by design
use super::*;
use figment::Jail;

#[test]
fn defaults_serve_on_loopback_with_data_under_dot_data() {
    Jail::expect_with(|_| {
        let s = Settings::load(None, &Overrides::default()).expect("defaults");
        assert_eq!(s, Settings::default());
        assert_eq!(s.listen_addr().expect("addr").to_string(), "127.0.0.1:3000");
        assert_eq!(s.database_path(), PathBuf::from("./data/chuda.db"));
        Ok(())
    });
}

#[test]
fn the_example_config_parses_to_the_defaults() {
    let parsed: Settings = Figment::from(Toml::string(EXAMPLE)).extract().expect("example parses");
    assert_eq!(parsed, Settings::default());
}

#[test]
fn layers_apply_in_order_file_env_flags() {
    Jail::expect_with(|jail| {
        jail.create_file("chuda.toml", "[server]\nlisten = \"127.0.0.1:4000\"\n[log]\nlevel = \"debug\"\n")?;
        let s = Settings::load(None, &Overrides::default()).expect("file");
        assert_eq!((s.server.listen.as_str(), s.log.level.as_str()), ("127.0.0.1:4000", "debug"));
        jail.set_env("CHUDA__SERVER__LISTEN", "127.0.0.1:5000");
        jail.set_env("CHUDA__SERVER__SECURE_COOKIES", "true");
        let s = Settings::load(None, &Overrides::default()).expect("env");
        assert_eq!(s.server.listen, "127.0.0.1:5000");
        assert!(s.server.secure_cookies);
        let flags = Overrides { listen: Some("127.0.0.1:6000".into()), data_dir: Some("/tmp/x".into()) };
        let s = Settings::load(None, &flags).expect("flags");
        assert_eq!((s.server.listen.as_str(), s.storage.data_dir.to_str()), ("127.0.0.1:6000", Some("/tmp/x")));
        Ok(())
    });
}

#[test]
fn an_invalid_value_gives_one_clear_message() {
    Jail::expect_with(|jail| {
        jail.set_env("CHUDA__SERVER__LISTEN", "not-an-address");
        let err = Settings::load(None, &Overrides::default()).expect_err("bad listen");
        assert!(err.to_string().contains("server.listen"), "{err}");
        Ok(())
    });
}

#[test]
fn secrets_in_config_are_validated_without_echoing_them() {
    Jail::expect_with(|jail| {
        jail.set_env("CHUDA__AUTH__ADMIN_PASSWORD", "short-pw");
        let err = Settings::load(None, &Overrides::default()).expect_err("weak");
        assert!(err.to_string().contains("auth.admin_password") && !err.to_string().contains("short-pw"));
        jail.set_env("CHUDA__AUTH__ADMIN_PASSWORD", "a long enough password");
        jail.set_env("CHUDA__SECURITY__MASTER_KEY", "bm90LWEta2V5");
        let err = Settings::load(None, &Overrides::default()).expect_err("bad key");
        assert!(err.to_string().contains("master_key") && !err.to_string().contains("bm90LWEta2V5"));
        Ok(())
    });
}

#[test]
fn unknown_keys_and_missing_files_are_refused() {
    Jail::expect_with(|jail| {
        jail.create_file("chuda.toml", "[server]\nlisten_addr = \"x\"\n")?;
        assert!(Settings::load(None, &Overrides::default()).is_err());
        let err =
            Settings::load(Some(Path::new("/nonexistent/chuda.toml")), &Overrides::default()).expect_err("missing");
        assert!(err.to_string().contains("does not exist"));
        Ok(())
    });
}
