"""The production configuration (nginx, systemd units, env file) and the loopback stack."""
