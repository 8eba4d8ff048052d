// Only here so that GOPATH mode ("minimal module compatibility", golang.org/issue/25069) reads
// github.com/pion/webrtc/v3 as Debian's github.com/pion/webrtc; build with build-go.sh.
module pion-peer

go 1.19
