//! Our encoder's output decoded by the `open-protocol` 0.1.0 crate, on the MIDs it decodes
//! correctly (rules §2.2): 0002 rev 1-3, 0004, 0005, 0060, 0061 rev 1-2, 0062, 0063, 9997-9999.

use kechuang_line::op::{
    CommStartAck, CommandError, ErrorCode, Frame, LinkError, Message, TighteningResult, Versions,
};
use open_protocol::Message as Peer;
use open_protocol::decode::Decoder;

use super::support::GOLDEN_0061;

fn peer(frame: &Frame) -> (open_protocol::Header, Peer) {
    let bytes = frame.encode().expect("encodes");
    Peer::decode_message(&mut Decoder::new(&bytes))
        .unwrap_or_else(|e| panic!("open-protocol refuses {frame:?}: {e:?}"))
}

fn golden() -> TighteningResult {
    match Frame::decode(GOLDEN_0061.as_bytes())
        .expect("golden")
        .message
    {
        Message::Result(r) => r,
        other => panic!("{other:?}"),
    }
}

#[test]
fn tightening_result_revisions_1_and_2() {
    let r = golden();
    let (h, m) = peer(&Frame::new(Message::Result(r.clone())));
    assert_eq!((h.length, h.mid, h.revision_number()), (231, 61, 1));
    let Peer::MID0061rev1(p) = m else {
        panic!("{m:?}")
    };
    assert_eq!(
        (p.cell_id, u16::from(p.channel_id)),
        (r.cell_id, u16::from(r.channel_id))
    );
    assert_eq!(p.controller_name, r.controller_name);
    assert_eq!(p.vin_number, r.vin);
    assert_eq!(u16::from(p.job_id), r.job_id);
    assert_eq!(
        (p.parameter_set_id, p.batch_size, p.batch_counter),
        (r.pset_id, r.batch_size, r.batch_counter)
    );
    assert_eq!(p.tightening_status, r.tightening_status.digit());
    assert_eq!(
        (p.torque_status, p.angle_status),
        (r.torque_status.digit(), r.angle_status.digit())
    );
    assert_eq!(
        [
            p.torque_min_limit,
            p.torque_max_limit,
            p.torque_final_target,
            p.torque
        ],
        [r.torque_min, r.torque_max, r.torque_target, r.torque].map(|t| t.centi_nm())
    );
    assert_eq!(
        [
            p.angle_min_limit,
            p.angle_max_limit,
            p.angle_final_target,
            p.angle
        ]
        .map(u32::from),
        [r.angle_min, r.angle_max, r.angle_target, r.angle]
    );
    assert_eq!(
        p.timestamp.format("%Y-%m-%d:%H:%M:%S").to_string(),
        r.timestamp.to_string()
    );
    assert_eq!(
        p.last_parameter_set_change
            .format("%Y-%m-%d:%H:%M:%S")
            .to_string(),
        r.last_pset_change.to_string()
    );
    assert_eq!(p.batch_status, r.batch_status.digit());
    assert_eq!(p.tightening_id, r.tightening_id);

    let mut r2 = r.at_revision(2);
    r2.job_id = 1234;
    let ext = r2.rev2.as_mut().expect("rev 2 fields");
    ext.strategy = 2;
    ext.tightening_error_status = 4;
    ext.tool_serial_number = "B1234567".into();
    ext.job_sequence_number = 99;
    let (h, m) = peer(&Frame::new(Message::Result(r2.clone())));
    assert_eq!((h.length, h.revision_number()), (385, 2));
    let Peer::MID0061rev2(p) = m else {
        panic!("{m:?}")
    };
    let ext = r2.rev2.as_ref().expect("rev 2");
    assert_eq!(p.job_id, 1234);
    assert_eq!(p.strategy, 2);
    assert_eq!(p.tightening_error_status, "0000000004");
    assert_eq!(p.tool_serial_number, ext.tool_serial_number);
    assert_eq!(u32::from(p.job_sequence_number), ext.job_sequence_number);
    assert_eq!(p.torque, r2.torque.centi_nm());
    assert_eq!(p.tightening_id, r2.tightening_id);
    assert_eq!(p.batch_status, r2.batch_status.digit());
}

#[test]
fn the_crate_gets_revision_3_and_mid_0065_wrong() {
    // rules §2.2 lists 0061 rev 3 among what it decodes; its rev-3 struct holds only fields
    // 47-49 (rev 2 fields missing), so it refuses a correct 419-byte frame. Documented here
    // so a future version of the crate that fixes it is noticed.
    let bytes = Frame::new(Message::Result(golden().at_revision(3)))
        .encode()
        .expect("encodes");
    assert_eq!(bytes.len(), 420);
    assert!(Peer::decode_message(&mut Decoder::new(&bytes)).is_err());
}

#[test]
fn session_messages() {
    let ack = CommStartAck {
        cell_id: 12,
        channel_id: 3,
        controller_name: "STN-07-NUTRUNNER".into(),
        supplier_code: Some("ACT".into()),
        versions: Some(Versions {
            open_protocol: "2.8.0".into(),
            controller_software: "ctl".into(),
            tool_software: "tool".into(),
        }),
    };
    for rev in 1..=3u16 {
        let a = ack.at_revision(rev);
        let (h, m) = peer(&Frame::new(Message::CommStartAck(a)));
        assert_eq!(h.revision_number(), rev);
        match m {
            Peer::MID0002rev1(p) => assert_eq!(
                (p.cell_id, p.channel_id, p.controller_name.as_str()),
                (12, 3, "STN-07-NUTRUNNER")
            ),
            Peer::MID0002rev2(p) => assert_eq!(p.supplier_code, "ACT"),
            Peer::MID0002rev3(p) => {
                assert_eq!(p.open_protocol_version, "2.8.0");
                assert_eq!(p.tool_software_version, "tool");
            }
            other => panic!("{other:?}"),
        }
    }
    let (_, m) = peer(&Frame::new(Message::CommandError(CommandError {
        mid: 18,
        error: ErrorCode::PSET_NOT_PRESENT,
    })));
    let Peer::MID0004rev1(p) = m else {
        panic!("{m:?}")
    };
    assert_eq!(p.mid, 18);
    assert_eq!(format!("{:?}", p.error_code), "ParameterSetIdNotPresent");
    let (_, m) = peer(&Frame::new(Message::CommandError(CommandError {
        mid: 1,
        error: ErrorCode::REVISION_UNSUPPORTED,
    })));
    let Peer::MID0004rev1(p) = m else {
        panic!("{m:?}")
    };
    assert_eq!(format!("{:?}", p.error_code), "MIDRevisionUnsupported");
    let (_, m) = peer(&Frame::new(Message::CommandAccepted { mid: 60 }));
    assert!(
        matches!(m, Peer::MID0005rev1(ref p) if p.mid == 60),
        "{m:?}"
    );
    let (h, m) = peer(&Frame::new(Message::ResultSubscribe));
    assert!(matches!(m, Peer::MID0060rev1(_)) && h.mid == 60);
    assert!(matches!(
        peer(&Frame::new(Message::ResultAck)).1,
        Peer::MID0062rev1(_)
    ));
    assert!(matches!(
        peer(&Frame::new(Message::ResultUnsubscribe)).1,
        Peer::MID0063rev1(_)
    ));
    assert!(matches!(
        peer(&Frame::new(Message::KeepAlive)).1,
        Peer::MID9999rev1(_)
    ));
    let (_, m) = peer(&Frame::new(Message::LinkAck { mid: 61 }));
    assert!(
        matches!(m, Peer::MID9997rev1(ref p) if p.mid_number == 61),
        "{m:?}"
    );
    let (_, m) = peer(&Frame::new(Message::LinkError(LinkError {
        mid: 61,
        code: 3,
    })));
    assert!(
        matches!(m, Peer::MID9998rev1(ref p) if p.mid_number == 61 && p.error_code == 3),
        "{m:?}"
    );
}

mod generated {
    use kechuang_line::op::{
        BatchStatus, Frame, LimitStatus, Message, TighteningResult, TighteningStatus, Timestamp,
        Torque,
    };
    use open_protocol::Message as Peer;
    use open_protocol::decode::Decoder;
    use proptest::prelude::*;

    /// Not empty: the crate panics (subtract overflow) on an all-space text field.
    fn text(max: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("[!-~][ -~]{{0,{}}}", max - 1))
            .expect("regex")
            .prop_map(|s| s.trim_end().to_owned())
    }

    fn limit() -> impl Strategy<Value = LimitStatus> {
        prop_oneof![
            Just(LimitStatus::Low),
            Just(LimitStatus::Ok),
            Just(LimitStatus::High)
        ]
    }

    prop_compose! {
        fn result()(
            cell_id in 0u16..10_000, channel_id in 0u8..100, name in text(25), vin in text(25),
            job_id in 0u16..100, pset_id in 0u16..1000, batch in (0u16..10_000, 0u16..10_000),
            ok in any::<bool>(), torque_status in limit(), angle_status in limit(),
            batch_status in 0u8..3,
            torques in proptest::array::uniform4(0u32..=Torque::MAX_CENTI_NM),
            angles in proptest::array::uniform4(0u32..65_536),
            // hours 4-23: the crate reads local time, clear of daylight-saving gaps
            t in (2000u16..2090, 1u8..=12, 1u8..=28, 4u8..24, 0u8..60, 0u8..60),
            tightening_id in any::<u32>(),
        ) -> TighteningResult {
            let ts = Timestamp { year: t.0, month: t.1, day: t.2, hour: t.3, minute: t.4, second: t.5 };
            TighteningResult {
                cell_id, channel_id, controller_name: name, vin, job_id, pset_id,
                batch_size: batch.0, batch_counter: batch.1,
                tightening_status: if ok { TighteningStatus::Ok } else { TighteningStatus::Nok },
                torque_status, angle_status,
                torque_min: Torque::from_centi_nm(torques[0]), torque_max: Torque::from_centi_nm(torques[1]),
                torque_target: Torque::from_centi_nm(torques[2]), torque: Torque::from_centi_nm(torques[3]),
                angle_min: angles[0], angle_max: angles[1], angle_target: angles[2], angle: angles[3],
                timestamp: ts, last_pset_change: ts,
                batch_status: BatchStatus::from_digit(batch_status).expect("0..3"),
                tightening_id, rev2: None, rev3: None,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Generated MID 0061 revision 1 frames decode to the same values in `open-protocol`.
        #[test]
        fn the_peer_reads_what_we_write(r in result()) {
            let bytes = Frame::new(Message::Result(r.clone())).encode().expect("encodes");
            let (_, m) = Peer::decode_message(&mut Decoder::new(&bytes)).expect("peer decodes");
            let Peer::MID0061rev1(p) = m else { panic!("{m:?}") };
            prop_assert_eq!(p.controller_name.trim_end(), r.controller_name.as_str());
            prop_assert_eq!(p.vin_number.trim_end(), r.vin.as_str());
            prop_assert_eq!((p.cell_id, p.channel_id, u16::from(p.job_id), p.parameter_set_id), (r.cell_id, r.channel_id, r.job_id, r.pset_id));
            prop_assert_eq!((p.batch_size, p.batch_counter, p.batch_status), (r.batch_size, r.batch_counter, r.batch_status.digit()));
            prop_assert_eq!((p.tightening_status, p.torque_status, p.angle_status), (r.tightening_status.digit(), r.torque_status.digit(), r.angle_status.digit()));
            prop_assert_eq!(
                [p.torque_min_limit, p.torque_max_limit, p.torque_final_target, p.torque],
                [r.torque_min, r.torque_max, r.torque_target, r.torque].map(Torque::centi_nm)
            );
            prop_assert_eq!(
                [p.angle_min_limit, p.angle_max_limit, p.angle_final_target, p.angle].map(u32::from),
                [r.angle_min, r.angle_max, r.angle_target, r.angle]
            );
            prop_assert_eq!(p.tightening_id, r.tightening_id);
        }
    }
}
