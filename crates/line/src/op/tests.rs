use super::framing::{Chunk, FrameBuffer};
use super::*;

/// The golden MID 0061 revision 1 frame of the rules document §1.7 (NUL not included).
pub(crate) const GOLDEN_0061: &str = "023100610010        010001020103STN-07-NUTRUNNER         04LBMPCJL38N1000123        050006007070004080001091101111120025001300300014002800150028121600020170012018000601900071202026-11-28:08:15:42212026-11-27:17:02:10220230000001001";

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s.as_bytes()).expect("valid time stamp")
}

#[test]
fn golden_0061_decodes_to_the_documented_values() {
    assert_eq!(GOLDEN_0061.len(), 231);
    let frame = Frame::decode(GOLDEN_0061.as_bytes()).expect("golden frame decodes");
    assert_eq!(frame.header.revision, 1);
    assert!(!frame.header.no_ack);
    let Message::Result(r) = &frame.message else {
        panic!("not a result: {frame:?}")
    };
    assert_eq!((r.cell_id, r.channel_id), (1, 1));
    assert_eq!(r.controller_name, "STN-07-NUTRUNNER");
    assert_eq!(r.vin, "LBMPCJL38N1000123");
    assert_eq!(
        (r.job_id, r.pset_id, r.batch_size, r.batch_counter),
        (0, 7, 4, 1)
    );
    assert_eq!(r.tightening_status, TighteningStatus::Ok);
    assert_eq!(
        (r.torque_status, r.angle_status),
        (LimitStatus::Ok, LimitStatus::Ok)
    );
    assert_eq!(r.torque_min.centi_nm(), 2500);
    assert_eq!(r.torque_max.centi_nm(), 3000);
    assert_eq!(r.torque_target.centi_nm(), 2800);
    assert_eq!(r.torque.centi_nm(), 2812);
    assert_eq!(r.torque.to_string(), "28.12");
    assert_eq!(
        (r.angle_min, r.angle_max, r.angle_target, r.angle),
        (20, 120, 60, 71)
    );
    assert_eq!(r.timestamp, ts("2026-11-28:08:15:42"));
    assert_eq!(r.last_pset_change, ts("2026-11-27:17:02:10"));
    assert_eq!(r.batch_status, BatchStatus::Nok);
    assert_eq!(r.tightening_id, 1001);
    assert!(r.rev2.is_none() && r.rev3.is_none());

    let mut wire = GOLDEN_0061.as_bytes().to_vec();
    wire.push(0);
    assert_eq!(
        frame.encode().expect("encodes"),
        wire,
        "re-encodes byte for byte"
    );
}

/// Pads a frame as printed in the rules document (trailing spaces not shown) to its length.
pub(crate) fn padded(printed: &str) -> Vec<u8> {
    let len: usize = printed[..4].parse().expect("length digits");
    let mut out = printed.as_bytes().to_vec();
    out.resize(len, b' ');
    out
}

#[test]
fn peer_trace_frames_decode() {
    // rules §2.4, node-open-protocol 1.1.1 against a controller stub
    let cases: Vec<(&str, Message, u16)> = vec![
        (
            "00200001006001010000",
            Message::CommStart(CommStart::default()),
            6,
        ),
        (
            "002600040010        000197",
            Message::CommandError(CommandError {
                mid: 1,
                error: ErrorCode::REVISION_UNSUPPORTED,
            }),
            1,
        ),
        (
            "00200001003001010000",
            Message::CommStart(CommStart::default()),
            3,
        ),
        ("00200060007001010000", Message::ResultSubscribe, 7),
        (
            "002600040010        006097",
            Message::CommandError(CommandError {
                mid: 60,
                error: ErrorCode(97),
            }),
            1,
        ),
        (
            "002400050010        0060",
            Message::CommandAccepted { mid: 60 },
            1,
        ),
        ("00200062001001010000", Message::ResultAck, 1),
        ("00209999001001010000", Message::KeepAlive, 1),
        ("002099990010        ", Message::KeepAlive, 1),
    ];
    for (printed, message, revision) in cases {
        let frame = Frame::decode(printed.as_bytes()).unwrap_or_else(|e| panic!("{printed}: {e}"));
        assert_eq!(frame.message, message, "{printed}");
        assert_eq!(frame.header.revision, revision, "{printed}");
        let mut wire = printed.as_bytes().to_vec();
        wire.push(0);
        assert_eq!(
            Frame {
                header: frame.header.clone(),
                message
            }
            .encode()
            .expect("encodes"),
            wire
        );
    }
    let digits = Frame::decode(b"00200001006001010000").expect("decodes");
    assert_eq!(digits.header.station_id, Some(1));
    assert_eq!(digits.header.spindle_id, Some(1));
    assert_eq!(digits.header.sequence_number, Some(0));

    let ack = padded(
        "012500020030        010001020103STN-07-NUTRUNNER         04ACT052.8.0              06stub-0.1           07tool-0.1",
    );
    let frame = Frame::decode(&ack).expect("MID 0002 rev 3 decodes");
    let Message::CommStartAck(a) = frame.message else {
        panic!("not 0002")
    };
    assert_eq!(
        (a.cell_id, a.channel_id, a.controller_name.as_str()),
        (1, 1, "STN-07-NUTRUNNER")
    );
    assert_eq!(a.supplier_code.as_deref(), Some("ACT"));
    let v = a.versions.expect("rev 3 versions");
    assert_eq!(
        (
            v.open_protocol.as_str(),
            v.controller_software.as_str(),
            v.tool_software.as_str()
        ),
        ("2.8.0", "stub-0.1", "tool-0.1")
    );
}

#[test]
fn spec_examples_of_the_rules_document() {
    let cases: Vec<(&str, Message)> = vec![
        (
            "00200001            ",
            Message::CommStart(CommStart::default()),
        ),
        ("00200003            ", Message::CommStop),
        (
            "00260004            001802",
            Message::CommandError(CommandError {
                mid: 18,
                error: ErrorCode::PSET_NOT_PRESENT,
            }),
        ),
        (
            "00240005            0018",
            Message::CommandAccepted { mid: 18 },
        ),
        ("00230018            007", Message::SelectPset { pset: 7 }),
        (
            "00250019            00704",
            Message::SetBatchSize(BatchSize {
                pset: 7,
                batch_size: 4,
            }),
        ),
        ("00200042            ", Message::DisableTool),
        (
            "00370050            LBMPCJL38N1000123",
            Message::VinDownload {
                vin: "LBMPCJL38N1000123".into(),
            },
        ),
        (
            "00450050            LBMPCJL38N1000123        ",
            Message::VinDownload {
                vin: "LBMPCJL38N1000123".into(),
            },
        ),
        ("002000600010        ", Message::ResultSubscribe),
        ("00200062            ", Message::ResultAck),
        ("00200063            ", Message::ResultUnsubscribe),
        (
            "00300064            0000001000",
            Message::OldResultRequest {
                tightening_id: 1000,
            },
        ),
        ("00209999            ", Message::KeepAlive),
        ("00249997        05  0061", Message::LinkAck { mid: 61 }),
        (
            "00289998        03  00610003",
            Message::LinkError(LinkError { mid: 61, code: 3 }),
        ),
    ];
    for (printed, message) in cases {
        let frame = Frame::decode(printed.as_bytes()).unwrap_or_else(|e| panic!("{printed}: {e}"));
        assert_eq!(frame.message, message, "{printed}");
    }
    let ack =
        Frame::decode(&padded("00570002            010001020103Airbag1")).expect("0002 rev 1");
    assert_eq!(ack.header.revision, 1);
    let Message::CommStartAck(a) = ack.message else {
        panic!("not 0002")
    };
    assert_eq!(a.controller_name, "Airbag1");
    assert_eq!(a.supplier_code, None);
    let seq = Frame::decode(b"00249997        05  0061").expect("9997");
    assert_eq!(seq.header.sequence_number, Some(5));
}

fn field_of(e: &DecodeError) -> (&'static str, Problem) {
    match e {
        DecodeError::Field { field, problem, .. } => (field, problem.clone()),
        DecodeError::Header { field, problem, .. } => (field, problem.clone()),
        other => panic!("not a field error: {other:?}"),
    }
}

#[test]
fn malformed_frames_name_the_field() {
    let golden = GOLDEN_0061.as_bytes();
    // length field disagrees with the bytes
    let mut short = golden.to_vec();
    short.pop();
    assert_eq!(
        Frame::decode(&short),
        Err(DecodeError::Length {
            declared: 231,
            actual: 230
        })
    );
    // non-digit in the torque field (bytes 141-146, 1-based)
    let mut bad = golden.to_vec();
    bad[142] = b'x';
    let e = Frame::decode(&bad).expect_err("non-digit refused");
    assert_eq!(field_of(&e), ("torque", Problem::NotDigits));
    assert!(
        matches!(
            e,
            DecodeError::Field {
                offset: 140,
                mid: 61,
                ..
            }
        ),
        "{e:?}"
    );
    // wrong parameter ID
    let mut bad = golden.to_vec();
    bad[20] = b'9';
    assert!(matches!(
        field_of(&Frame::decode(&bad).expect_err("param")),
        ("cell_id", Problem::WrongParameterId { expected: 1, .. })
    ));
    // tightening status 7
    let mut bad = golden.to_vec();
    bad[107] = b'7';
    assert_eq!(
        field_of(&Frame::decode(&bad).expect_err("status")),
        ("tightening_status", Problem::OutOfRange)
    );
    // month 13
    let mut bad = golden.to_vec();
    bad[181] = b'3';
    bad[182] = b'3';
    assert_eq!(
        field_of(&Frame::decode(&bad).expect_err("month")),
        ("timestamp", Problem::BadTimestamp)
    );
    // tightening ID space padded, as in the specification's own printed example
    let mut bad = golden.to_vec();
    bad[227..231].copy_from_slice(b"    ");
    assert_eq!(
        field_of(&Frame::decode(&bad).expect_err("spaces")),
        ("tightening_id", Problem::NotDigits)
    );
    // header: non-digit revision, bad no-ack flag
    assert_eq!(
        field_of(&Frame::decode(b"00200001 1          ").expect_err("rev")),
        ("revision", Problem::NotDigits)
    );
    assert_eq!(
        field_of(&Frame::decode(b"002000010017        ").expect_err("ack")),
        ("no_ack_flag", Problem::OutOfRange)
    );
    // truncated data, trailing data
    assert_eq!(
        field_of(&Frame::decode(b"00220005            00").expect_err("short")),
        ("mid", Problem::Truncated)
    );
    assert_eq!(
        Frame::decode(b"00220062            00"),
        Err(DecodeError::TrailingData {
            mid: 62,
            revision: 1,
            extra: 2
        })
    );
    // unknown MID, unsupported revisions
    assert_eq!(
        Frame::decode(b"00201234            "),
        Err(DecodeError::UnknownMid(1234))
    );
    let mut rev4 = golden.to_vec();
    rev4[10] = b'4';
    assert_eq!(
        Frame::decode(&rev4),
        Err(DecodeError::UnsupportedRevision {
            mid: 61,
            revision: 4
        })
    );
    assert_eq!(
        Frame::decode(b"00200002004         "),
        Err(DecodeError::UnsupportedRevision {
            mid: 2,
            revision: 4
        })
    );
    // VIN: empty, too long, not printable
    assert!(Frame::decode(b"00200050            ").is_err());
    assert!(Frame::decode(b"00460050            LBMPCJL38N1000123ABCDEFGHI").is_err());
    assert_eq!(
        field_of(&Frame::decode(b"00230050            A\x01B").expect_err("ctl")),
        ("vin", Problem::NotPrintable)
    );
    assert_eq!(Frame::decode(b"0019"), Err(DecodeError::ShortHeader(4)));
}

#[test]
fn encoder_refuses_what_does_not_fit() {
    let frame = Frame::decode(GOLDEN_0061.as_bytes()).expect("golden");
    let Message::Result(mut r) = frame.message else {
        panic!()
    };
    r.job_id = 100; // 2 digits in revision 1
    assert!(matches!(
        Frame::new(Message::Result(r.clone())).encode(),
        Err(EncodeError::Field {
            field: "job_id",
            problem: Problem::TooWide,
            ..
        })
    ));
    r.job_id = 0;
    assert!(matches!(
        Frame::with_revision(Message::Result(r.clone()), 2).encode(),
        Err(EncodeError::RevisionMismatch {
            mid: 61,
            header: 2,
            message: 1
        })
    ));
    r.vin = "车架号".into();
    assert!(matches!(
        Frame::new(Message::Result(r)).encode(),
        Err(EncodeError::Field { field: "vin", .. })
    ));
    let long = "X".repeat(26);
    assert!(
        Frame::new(Message::VinDownload { vin: long })
            .encode()
            .is_err()
    );
}

#[test]
fn revision_2_and_3_lengths_match_the_specification() {
    let frame = Frame::decode(GOLDEN_0061.as_bytes()).expect("golden");
    let Message::Result(r) = frame.message else {
        panic!()
    };
    let r2 = r.at_revision(2);
    let r3 = r.at_revision(3);
    let b2 = Frame::new(Message::Result(r2.clone()))
        .encode()
        .expect("rev 2");
    let b3 = Frame::new(Message::Result(r3.clone()))
        .encode()
        .expect("rev 3");
    assert_eq!((b2.len(), b3.len()), (386, 420), "385 and 419 plus the NUL");
    assert_eq!(&b2[..11], b"03850061002");
    assert_eq!(
        Frame::decode(&b2[..385]).expect("decodes").message,
        Message::Result(r2)
    );
    assert_eq!(
        Frame::decode(&b3[..419]).expect("decodes").message,
        Message::Result(r3.clone())
    );
    assert_eq!(
        r3.at_revision(1),
        r,
        "cutting back to revision 1 gives the original"
    );
}

#[test]
fn framing_handles_split_merged_and_garbage() {
    let mut one = GOLDEN_0061.as_bytes().to_vec();
    one.push(0);
    let keep = b"00209999            \0".to_vec();
    let mut stream = one.clone();
    stream.extend_from_slice(b"garbage\0");
    stream.extend_from_slice(&keep);
    stream.extend_from_slice(b"0023001800");
    // fed one byte at a time
    let mut buf = FrameBuffer::new();
    let mut out = Vec::new();
    for b in &stream {
        buf.extend(std::slice::from_ref(b));
        while let Some(c) = buf.next_chunk() {
            out.push(c);
        }
    }
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(out[0], Chunk::Frame(one[..231].to_vec()));
    assert!(matches!(out[1], Chunk::Garbage { skipped: 8, .. }));
    assert_eq!(out[2], Chunk::Frame(keep[..20].to_vec()));
    assert_eq!(buf.pending(), 10, "the partial frame waits");
    // merged in one read
    let mut buf = FrameBuffer::new();
    buf.extend(&[keep.clone(), keep.clone()].concat());
    assert!(matches!(buf.next_chunk(), Some(Chunk::Frame(_))));
    assert!(matches!(buf.next_chunk(), Some(Chunk::Frame(_))));
    assert_eq!(buf.next_chunk(), None);
    // a NUL missing where the length says: dropped up to the next NUL
    let mut buf = FrameBuffer::new();
    buf.extend(b"00219999            X\0");
    assert!(
        matches!(buf.next_chunk(), Some(Chunk::Frame(_))),
        "a 21-byte keep-alive is framed"
    );
    let mut buf = FrameBuffer::new();
    buf.extend(b"00209999            X\x0000209999            \x00");
    assert!(matches!(
        buf.next_chunk(),
        Some(Chunk::Garbage { skipped: 22, .. })
    ));
    assert!(matches!(buf.next_chunk(), Some(Chunk::Frame(_))));
    // length below 20
    let mut buf = FrameBuffer::new();
    buf.extend(b"0010abc\0");
    assert!(matches!(
        buf.next_chunk(),
        Some(Chunk::Garbage { skipped: 8, .. })
    ));
}

mod prop {
    use super::super::framing::FrameBuffer;
    use super::super::*;
    use proptest::prelude::*;

    fn text(max: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("[ -~]{{0,{max}}}"))
            .expect("regex")
            .prop_map(|s| s.trim_end().to_owned())
    }

    fn timestamp() -> impl Strategy<Value = Timestamp> {
        (1970u16..2100, 1u8..=12, 1u8..=28, 0u8..24, 0u8..60, 0u8..60).prop_map(
            |(year, month, day, hour, minute, second)| Timestamp {
                year,
                month,
                day,
                hour,
                minute,
                second,
            },
        )
    }

    fn limit() -> impl Strategy<Value = LimitStatus> {
        prop_oneof![
            Just(LimitStatus::Low),
            Just(LimitStatus::Ok),
            Just(LimitStatus::High)
        ]
    }

    fn tstatus() -> impl Strategy<Value = TighteningStatus> {
        prop_oneof![Just(TighteningStatus::Nok), Just(TighteningStatus::Ok)]
    }

    fn bstatus() -> impl Strategy<Value = BatchStatus> {
        prop_oneof![
            Just(BatchStatus::Nok),
            Just(BatchStatus::Ok),
            Just(BatchStatus::NotUsed),
            Just(BatchStatus::Running)
        ]
    }

    fn torque() -> impl Strategy<Value = Torque> {
        (0u32..=Torque::MAX_CENTI_NM).prop_map(Torque::from_centi_nm)
    }

    prop_compose! {
        fn rev2()(
            strategy in 0u8..100, strategy_options in 0u32..100_000,
            s in (limit(), limit(), limit(), limit(), limit()),
            tightening_error_status in any::<u32>(),
            rundown in (0u32..100_000, 0u32..100_000, 0u32..100_000),
            current in (0u16..1000, 0u16..1000, 0u16..1000),
            self_tap in (torque(), torque(), torque()),
            prevail in (torque(), torque(), torque()),
            job_sequence_number in 0u32..100_000, sync_tightening_id in 0u32..100_000,
            tool_serial_number in text(14),
        ) -> Rev2Fields {
            Rev2Fields {
                strategy, strategy_options,
                rundown_angle_status: s.0, current_monitoring_status: s.1, self_tap_status: s.2,
                prevail_torque_monitoring_status: s.3, prevail_torque_compensate_status: s.4,
                tightening_error_status,
                rundown_angle_min: rundown.0, rundown_angle_max: rundown.1, rundown_angle: rundown.2,
                current_monitoring_min: current.0, current_monitoring_max: current.1,
                current_monitoring_value: current.2,
                self_tap_min: self_tap.0, self_tap_max: self_tap.1, self_tap: self_tap.2,
                prevail_torque_min: prevail.0, prevail_torque_max: prevail.1, prevail_torque: prevail.2,
                job_sequence_number, sync_tightening_id, tool_serial_number,
            }
        }
    }

    prop_compose! {
        fn result()(
            revision in 1u16..=3,
            cell_id in 0u16..10_000, channel_id in 0u8..100,
            controller_name in text(25), vin in text(25),
            job_id in 0u16..10_000, pset_id in 0u16..1000,
            batch in (0u16..10_000, 0u16..10_000),
            st in (tstatus(), limit(), limit(), bstatus()),
            torques in (torque(), torque(), torque(), torque()),
            angles in (0u32..100_000, 0u32..100_000, 0u32..100_000, 0u32..100_000),
            times in (timestamp(), timestamp()),
            tightening_id in any::<u32>(),
            ext in rev2(),
            pset_name in text(25), torque_unit in 0u8..10, result_type in 0u8..100,
        ) -> TighteningResult {
            TighteningResult {
                cell_id, channel_id, controller_name, vin,
                job_id: if revision == 1 { job_id % 100 } else { job_id },
                pset_id, batch_size: batch.0, batch_counter: batch.1,
                tightening_status: st.0, torque_status: st.1, angle_status: st.2,
                torque_min: torques.0, torque_max: torques.1, torque_target: torques.2, torque: torques.3,
                angle_min: angles.0, angle_max: angles.1, angle_target: angles.2, angle: angles.3,
                timestamp: times.0, last_pset_change: times.1, batch_status: st.3, tightening_id,
                rev2: (revision >= 2).then_some(ext),
                rev3: (revision >= 3).then_some(Rev3Fields { pset_name, torque_unit, result_type }),
            }
        }
    }

    fn message() -> impl Strategy<Value = Message> {
        prop_oneof![
            Just(Message::CommStart(CommStart::default())),
            any::<bool>().prop_map(|b| Message::CommStart(CommStart {
                optional_keep_alive: Some(b)
            })),
            (
                0u16..10_000,
                0u8..100,
                text(25),
                proptest::option::of(text(3)),
                proptest::option::of((text(19), text(19), text(19)))
            )
                .prop_map(
                    |(cell_id, channel_id, controller_name, supplier, versions)| {
                        let versions = versions.map(|(a, b, c)| Versions {
                            open_protocol: a,
                            controller_software: b,
                            tool_software: c,
                        });
                        let supplier_code = if versions.is_some() {
                            Some(supplier.unwrap_or_default())
                        } else {
                            supplier
                        };
                        Message::CommStartAck(CommStartAck {
                            cell_id,
                            channel_id,
                            controller_name,
                            supplier_code,
                            versions,
                        })
                    }
                ),
            Just(Message::CommStop),
            (0u16..10_000, any::<u8>().prop_map(|c| c % 100)).prop_map(|(mid, e)| {
                Message::CommandError(CommandError {
                    mid,
                    error: ErrorCode(e),
                })
            }),
            (0u16..10_000).prop_map(|mid| Message::CommandAccepted { mid }),
            (0u16..1000).prop_map(|pset| Message::SelectPset { pset }),
            (0u16..1000, 0u8..100).prop_map(|(pset, batch_size)| Message::SetBatchSize(
                BatchSize { pset, batch_size }
            )),
            Just(Message::DisableTool),
            Just(Message::EnableTool),
            proptest::string::string_regex("[!-~][ -~]{0,23}[!-~]|[!-~]")
                .expect("regex")
                .prop_map(|vin| Message::VinDownload { vin }),
            Just(Message::ResultSubscribe),
            result().prop_map(Message::Result),
            Just(Message::ResultAck),
            Just(Message::ResultUnsubscribe),
            any::<u32>().prop_map(|tightening_id| Message::OldResultRequest { tightening_id }),
            result().prop_map(|r| Message::OldResult(OldTighteningResult::from(&r))),
            (0u16..10_000).prop_map(|mid| Message::LinkAck { mid }),
            (0u16..10_000, 0u16..10_000)
                .prop_map(|(mid, code)| Message::LinkError(LinkError { mid, code })),
            Just(Message::KeepAlive),
        ]
    }

    prop_compose! {
        fn frame()(
            message in message(),
            revision in 1u16..=999,
            no_ack in any::<bool>(),
            opts in (proptest::option::of(0u8..100), proptest::option::of(0u8..100), proptest::option::of(0u8..100),
                     proptest::option::of(0u8..10), proptest::option::of(0u8..10)),
        ) -> Frame {
            let fixed_rev1 = matches!(message.mid(), 4 | 5 | 18 | 19 | 50 | 64 | 65);
            let revision = message.data_revision().unwrap_or(if fixed_rev1 { 1 } else if message == Message::CommStart(CommStart::default()) { revision.min(6) } else { revision });
            Frame {
                header: Header {
                    revision, no_ack,
                    station_id: opts.0, spindle_id: opts.1, sequence_number: opts.2,
                    message_parts: opts.3, message_part_number: opts.4,
                },
                message,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn decode_inverts_encode(frame in frame()) {
            let bytes = frame.encode().expect("generated frames encode");
            prop_assert_eq!(bytes.last(), Some(&0));
            let decoded = Frame::decode(&bytes[..bytes.len() - 1]);
            prop_assert_eq!(decoded, Ok(frame));
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = Frame::decode(&bytes);
        }

        #[test]
        fn decode_never_panics_on_mutated_frames(
            frame in frame(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = frame.encode().expect("encodes");
            bytes.pop();
            for (i, b) in edits {
                let at = i.index(bytes.len());
                bytes[at] = b;
            }
            let keep = cut.index(bytes.len() + 1);
            let _ = Frame::decode(&bytes);
            let _ = Frame::decode(&bytes[..keep]);
        }

        #[test]
        fn framing_never_panics_and_recovers(
            noise in proptest::collection::vec(any::<u8>(), 0..200),
            splits in proptest::collection::vec(1usize..50, 1..20),
        ) {
            let good = b"00209999            \0";
            let mut stream = noise.clone();
            stream.push(0);
            stream.extend_from_slice(good);
            let mut buf = FrameBuffer::new();
            let mut frames = Vec::new();
            let mut rest: &[u8] = &stream;
            let mut i = 0;
            while !rest.is_empty() {
                let n = splits[i % splits.len()].min(rest.len());
                buf.extend(&rest[..n]);
                rest = &rest[n..];
                i += 1;
                while let Some(c) = buf.next_chunk() {
                    if let framing::Chunk::Frame(f) = c { frames.push(f); }
                }
            }
            // after the NUL that ends the noise, the good frame is always found
            prop_assert_eq!(frames.last().map(Vec::as_slice), Some(&good[..20]));
        }
    }
}
