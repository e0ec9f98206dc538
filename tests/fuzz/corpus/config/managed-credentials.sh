RUNLAYER_API_KEY="rl_org_shell_0123456789"
export RUNLAYER_HOST=https://mdm.example.com
# comment
